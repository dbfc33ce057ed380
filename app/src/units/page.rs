//! The Units tab of the administration: the tree of departments and teams,
//! with create, rename, move and delete.

use super::{CreateUnit, DeleteUnit, MoveUnit, RenameUnit, Unit, list_units, tree_of};
use crate::components::{
    ErrorPanel, FieldError, FormAlert, RowError, last_error, reload_after, report_errors,
    reset_after,
};
use crate::domain::{units::UnitTree, validation};
use crate::error::AppError;
use crate::home::people_count;
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Clone, Copy)]
struct RowActions {
    rename: ServerAction<RenameUnit>,
    move_to: ServerAction<MoveUnit>,
    delete: ServerAction<DeleteUnit>,
    /// The error of the last row action…
    error: RwSignal<Option<AppError>>,
    /// …and the unit whose row it came from, where it is shown.
    focus: RwSignal<Option<i64>>,
}

#[component]
pub fn UnitsAdmin() -> impl IntoView {
    let create = ServerAction::<CreateUnit>::new();
    let actions = RowActions {
        rename: ServerAction::new(),
        move_to: ServerAction::new(),
        delete: ServerAction::new(),
        error: RwSignal::new(None),
        focus: RwSignal::new(None),
    };
    let changes = RwSignal::new(0u32);
    let row_error = actions.error;
    reload_after(create, changes);
    reload_after(actions.rename, changes);
    reload_after(actions.move_to, changes);
    reload_after(actions.delete, changes);
    report_errors(actions.rename, row_error);
    report_errors(actions.move_to, row_error);
    report_errors(actions.delete, row_error);
    let units = Resource::new(move || changes.get(), |_| list_units());

    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {crate::components::suspended(move || Suspend::new(async move {
                match units.await {
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    Ok(units) => {
                        let tree = Arc::new(tree_of(&units));
                        view! {
                            <CreateUnitForm action=create tree=tree.clone()/>
                            <section class="panel" aria-labelledby="units-heading">
                                <h2 id="units-heading">"Units"</h2>
                                <UnitTreeList units tree actions/>
                            </section>
                        }
                            .into_any()
                    }
                }
            }))}
        </Transition>
    }
}

#[component]
fn CreateUnitForm(action: ServerAction<CreateUnit>, tree: Arc<UnitTree>) -> impl IntoView {
    let error = last_error(action);
    let form = NodeRef::<leptos::html::Form>::new();
    reset_after(action, form);
    let options = tree
        .ordered()
        .into_iter()
        .map(|(node, _)| view! { <option value=node.id.to_string()>{tree.path(node.id).join(" › ")}</option> })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="create-unit-heading">
            <h2 id="create-unit-heading">"Add a unit"</h2>
            <ActionForm action node_ref=form>
                <div class="form-grid">
                    <div class="field">
                        <label for="unit-name">"Unit name"</label>
                        <input id="unit-name" name="name" required maxlength=validation::MAX_UNIT_NAME
                            autocomplete="off" aria-describedby="unit-name-error"/>
                        <FieldError error field="name" id="unit-name-error"/>
                    </div>
                    <div class="field">
                        <label for="unit-parent">"Part of"</label>
                        <select id="unit-parent" name="parent_id" aria-describedby="unit-parent-error">
                            <option value="">"None (top level)"</option>
                            {options}
                        </select>
                        <FieldError error field="parent_id" id="unit-parent-error"/>
                    </div>
                </div>
                <FormAlert error/>
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    "Create unit"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn UnitTreeList(units: Vec<Unit>, tree: Arc<UnitTree>, actions: RowActions) -> impl IntoView {
    if units.is_empty() {
        return view! { <p class="muted">"No units yet. Start with a department, then add its teams."</p> }.into_any();
    }
    let rows = tree
        .ordered()
        .into_iter()
        .filter_map(|(node, depth)| {
            let unit = units.iter().find(|u| u.id == node.id)?.clone();
            Some(view! { <UnitRow unit depth tree=tree.clone() actions/> })
        })
        .collect_view();
    view! { <ul class="unit-admin" aria-label="Units">{rows}</ul> }.into_any()
}

#[component]
fn UnitRow(unit: Unit, depth: usize, tree: Arc<UnitTree>, actions: RowActions) -> impl IntoView {
    let Unit {
        id,
        name,
        parent_id,
        member_count,
    } = unit;
    let children = tree.child_count(id);
    let id_value = id.to_string();
    let empty = children == 0 && member_count == 0;
    let delete_hint = match (children, member_count) {
        (0, 0) => String::new(),
        (0, _) => "Only an empty unit can be deleted: it still has members.".to_owned(),
        _ => "Only an empty unit can be deleted: it still has sub-units.".to_owned(),
    };
    // A unit can move anywhere except into itself or below itself.
    let subtree = tree.subtree(id);
    let destinations = tree
        .ordered()
        .into_iter()
        .filter(|(node, _)| !subtree.contains(&node.id))
        .map(|(node, _)| {
            view! {
                <option value=node.id.to_string() selected=Some(node.id) == parent_id>
                    {tree.path(node.id).join(" › ")}
                </option>
            }
        })
        .collect_view();
    let summary = {
        let mut parts = vec![people_count(member_count)];
        if children > 0 {
            parts.push(format!(
                "{children} sub-unit{}",
                if children == 1 { "" } else { "s" }
            ));
        }
        parts.join(" · ")
    };
    let rename_form = {
        let unit_id = id_value.clone();
        let (input_label, button_label) =
            (format!("New name for {name}"), format!("Rename {name}"));
        let name = name.clone();
        view! {
            <ActionForm action=actions.rename>
                <div class="inline-form">
                    <input type="hidden" name="unit_id" value=unit_id/>
                    <input name="name" value=name required maxlength=validation::MAX_UNIT_NAME aria-label=input_label/>
                    <button type="submit" class="button button-small" aria-label=button_label
                        on:click=move |_| actions.focus.set(Some(id))>"Rename"</button>
                </div>
            </ActionForm>
        }
    };
    let move_form = {
        let unit_id = id_value.clone();
        let (select_label, button_label) = (format!("Move {name} under"), format!("Move {name}"));
        view! {
            <ActionForm action=actions.move_to>
                <div class="inline-form">
                    <input type="hidden" name="unit_id" value=unit_id/>
                    <select name="parent_id" aria-label=select_label>
                        <option value="" selected=parent_id.is_none()>"Top level"</option>
                        {destinations}
                    </select>
                    <button type="submit" class="button button-small" aria-label=button_label
                        on:click=move |_| actions.focus.set(Some(id))>"Move"</button>
                </div>
            </ActionForm>
        }
    };
    let delete_form = {
        let button_label = format!("Delete {name}");
        let hint = delete_hint.clone();
        view! {
            <ActionForm action=actions.delete>
                <input type="hidden" name="unit_id" value=id_value/>
                <button type="submit" class="button button-small button-danger" disabled=!empty
                    title=delete_hint aria-label=button_label on:click=move |_| actions.focus.set(Some(id))>
                    "Delete"
                </button>
                {(!empty).then(|| view! { <span class="hint">{hint}</span> })}
            </ActionForm>
        }
    };
    let edit_label = format!("Edit {name}");
    view! {
        <li class="unit-row" style=format!("--depth: {depth}")>
            <div class="unit-summary">
                <span class="unit-name">{name}</span>
                <span class="muted">{summary}</span>
            </div>
            <details class="unit-edit">
                <summary aria-label=edit_label>"Edit"</summary>
                <div class="unit-edit-forms">{rename_form} {move_form} {delete_form}</div>
            </details>
            <RowError error=actions.error.into() focus=actions.focus id/>
        </li>
    }
}
