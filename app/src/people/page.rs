//! The People tab of the administration: create accounts, change roles,
//! manage memberships, deactivate.

use super::{
    AddMembership, ChangeRole, CreatePerson, Person, RemoveMembership, SetPersonActive, list_people,
};
use crate::account::CreatePasswordReset;
use crate::components::{
    ErrorPanel, FieldError, FormAlert, RowError, last_error, reload_after, report_errors,
    reset_after,
};
use crate::domain::{roles::Role, units::UnitTree, validation};
use crate::error::AppError;
use crate::units::{Unit, list_units, tree_of};
use leptos::html::Form;
use leptos::prelude::*;
use std::sync::Arc;

/// The actions of this tab, shared by every row of the table.
#[derive(Clone, Copy)]
struct RowActions {
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetPersonActive>,
    add: ServerAction<AddMembership>,
    remove: ServerAction<RemoveMembership>,
    reset: ServerAction<CreatePasswordReset>,
    /// The error of the last row action…
    error: RwSignal<Option<AppError>>,
    /// …and the person whose row it came from, where it is shown.
    focus: RwSignal<Option<i64>>,
}

#[component]
pub fn PeopleAdmin() -> impl IntoView {
    let create = ServerAction::<CreatePerson>::new();
    let actions = RowActions {
        change_role: ServerAction::new(),
        set_active: ServerAction::new(),
        add: ServerAction::new(),
        remove: ServerAction::new(),
        reset: ServerAction::new(),
        error: RwSignal::new(None),
        focus: RwSignal::new(None),
    };
    let changes = RwSignal::new(0u32);
    let row_error = actions.error;
    reload_after(create, changes);
    reload_after(actions.change_role, changes);
    reload_after(actions.set_active, changes);
    reload_after(actions.add, changes);
    reload_after(actions.remove, changes);
    report_errors(actions.change_role, row_error);
    report_errors(actions.set_active, row_error);
    report_errors(actions.add, row_error);
    report_errors(actions.remove, row_error);
    report_errors(actions.reset, row_error);
    // A reset link is shown once, here, right after it was made.
    let reset_link = move || {
        actions.reset.value().get().and_then(Result::ok).map(|reset| {
            view! {
                <section class="panel reset-link" role="status" aria-label="Password reset link">
                    <p>
                        "Send this link to " <strong>{reset.person_name}</strong>
                        ". It works once, until " {reset.expires} " UTC, and signs them out everywhere. "
                        "It is not shown again."
                    </p>
                    <code>{absolute(&reset.path)}</code>
                </section>
            }
        })
    };

    let people = Resource::new(move || changes.get(), |_| list_people());
    let units = Resource::new(|| (), |_| list_units());

    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {crate::components::suspended(move || Suspend::new(async move {
                match units.await {
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    Ok(units) => {
                        let tree = Arc::new(tree_of(&units));
                        view! {
                            <CreatePersonForm action=create units=units.clone() tree=tree.clone()/>
                            {reset_link}
                            <section class="panel" aria-labelledby="people-heading">
                                <h2 id="people-heading">"People"</h2>
                                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                                    {
                                        let tree = tree.clone();
                                        let units = units.clone();
                                        move || {
                                            let tree = tree.clone();
                                            let units = units.clone();
                                            Suspend::new(async move {
                                                match people.await {
                                                    Ok(people) => view! {
                                                        <PeopleTable people tree units actions/>
                                                    }
                                                        .into_any(),
                                                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                                                }
                                            })
                                        }
                                    }
                                </Transition>
                            </section>
                        }
                            .into_any()
                    }
                }
            }))}
        </Suspense>
    }
}

/// Options for a unit `<select>`: every unit by its full path, in tree order.
fn unit_options(tree: &UnitTree) -> impl IntoView + use<> {
    tree.ordered()
        .into_iter()
        .map(|(node, _)| {
            let label = tree.path(node.id).join(" › ");
            view! { <option value=node.id.to_string()>{label}</option> }
        })
        .collect_view()
}

#[component]
fn CreatePersonForm(
    action: ServerAction<CreatePerson>,
    units: Vec<Unit>,
    tree: Arc<UnitTree>,
) -> impl IntoView {
    let error = last_error(action);
    let form = NodeRef::<Form>::new();
    let created = move || {
        action.value().with(|v| match v {
            Some(Ok(person)) => Some(person.name.clone()),
            _ => None,
        })
    };
    reset_after(action, form);
    let has_units = !units.is_empty();
    view! {
        <section class="panel" aria-labelledby="create-person-heading">
            <h2 id="create-person-heading">"Add a person"</h2>
            <ActionForm action node_ref=form>
                <div class="form-grid">
                    <div class="field">
                        <label for="person-name">"Name"</label>
                        <input id="person-name" name="name" required maxlength=validation::MAX_NAME
                            autocomplete="off" aria-describedby="person-name-error"/>
                        <FieldError error field="name" id="person-name-error"/>
                    </div>
                    <div class="field">
                        <label for="person-email">"Email"</label>
                        <input id="person-email" name="email" type="email" required maxlength=validation::MAX_EMAIL
                            autocomplete="off" aria-describedby="person-email-error"/>
                        <FieldError error field="email" id="person-email-error"/>
                    </div>
                    <div class="field">
                        <label for="person-role">"Role"</label>
                        <select id="person-role" name="role">
                            {Role::ALL
                                .into_iter()
                                .map(|role| {
                                    view! {
                                        <option value=role.as_str() selected=role == Role::Member>{role.label()}</option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="person-unit">"Unit"</label>
                        <select id="person-unit" name="unit_id" aria-describedby="person-unit-error">
                            <option value="">{if has_units { "No unit yet" } else { "Create a unit first" }}</option>
                            {unit_options(&tree)}
                        </select>
                        <FieldError error field="unit_id" id="person-unit-error"/>
                    </div>
                    <div class="field">
                        <label for="person-password">"Initial password"</label>
                        <input id="person-password" name="password" type="text" required
                            minlength=validation::MIN_PASSWORD maxlength=validation::MAX_PASSWORD
                            autocomplete="new-password" aria-describedby="person-password-error person-password-hint"/>
                        <p class="hint" id="person-password-hint">
                            {format!("At least {} characters. Pass it on in person.", validation::MIN_PASSWORD)}
                        </p>
                        <FieldError error field="password" id="person-password-error"/>
                    </div>
                </div>
                <FormAlert error/>
                <p class="form-success" role="status" hidden=move || created().is_none()>
                    {move || created().map(|name| format!("{name} can now sign in."))}
                </p>
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    "Create person"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn PeopleTable(
    people: Vec<Person>,
    tree: Arc<UnitTree>,
    units: Vec<Unit>,
    actions: RowActions,
) -> impl IntoView {
    if people.is_empty() {
        return view! { <p class="muted">"Nobody has an account yet."</p> }.into_any();
    }
    let rows = people
        .into_iter()
        .map(|person| view! { <PersonRow person tree=tree.clone() units=units.clone() actions/> })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Person"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Units"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn PersonRow(
    person: Person,
    tree: Arc<UnitTree>,
    units: Vec<Unit>,
    actions: RowActions,
) -> impl IntoView {
    let Person {
        id,
        name,
        email,
        role,
        active,
        unit_ids,
    } = person;
    let person_id = id.to_string();
    let memberships = unit_ids
        .iter()
        .map(|unit_id| {
            let label = tree.path(*unit_id).join(" › ");
            let remove_label = format!("Remove {name} from {label}");
            let person_id = person_id.clone();
            let unit_id = unit_id.to_string();
            view! {
                <li class="chip">
                    <span>{label}</span>
                    <ActionForm action=actions.remove>
                        <input type="hidden" name="person_id" value=person_id/>
                        <input type="hidden" name="unit_id" value=unit_id/>
                        <button type="submit" class="chip-remove" aria-label=remove_label
                            on:click=move |_| actions.focus.set(Some(id))>"×"</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let join_options: Vec<_> = tree
        .ordered()
        .into_iter()
        .filter(|(node, _)| !unit_ids.contains(&node.id) && units.iter().any(|u| u.id == node.id))
        .map(|(node, _)| view! { <option value=node.id.to_string()>{tree.path(node.id).join(" › ")}</option> })
        .collect();
    let join_form = (!join_options.is_empty()).then(|| {
        let person_id = person_id.clone();
        let select_label = format!("Unit to add {name} to");
        let button_label = format!("Add {name} to unit");
        view! {
            <ActionForm action=actions.add>
                <div class="inline-form">
                    <input type="hidden" name="person_id" value=person_id/>
                    <select name="unit_id" aria-label=select_label>
                        <option value="">"Add to unit…"</option>
                        {join_options}
                    </select>
                    <button type="submit" class="button button-small" aria-label=button_label
                        on:click=move |_| actions.focus.set(Some(id))>"Add"</button>
                </div>
            </ActionForm>
        }
    });
    let role_form = {
        let person_id = person_id.clone();
        let select_label = format!("Role of {name}");
        let button_label = format!("Save role of {name}");
        view! {
            <ActionForm action=actions.change_role>
                <div class="inline-form">
                    <input type="hidden" name="person_id" value=person_id/>
                    <select name="role" aria-label=select_label>
                        {Role::ALL
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str() selected=r == role>{r.label()}</option> })
                            .collect_view()}
                    </select>
                    <button type="submit" class="button button-small" aria-label=button_label
                        on:click=move |_| actions.focus.set(Some(id))>"Save"</button>
                </div>
            </ActionForm>
        }
    };
    let reset_form = active.then(|| {
        let person_id = person_id.clone();
        let button_label = format!("Reset the password of {name}");
        view! {
            <ActionForm action=actions.reset>
                <input type="hidden" name="person_id" value=person_id/>
                <button type="submit" class="button button-small button-quiet" aria-label=button_label
                    on:click=move |_| actions.focus.set(Some(id))>"Reset password"</button>
            </ActionForm>
        }
    });
    let (verb, status, status_class) = if active {
        ("Deactivate", "Active", "status status-ok")
    } else {
        ("Reactivate", "Deactivated", "status status-off")
    };
    let activation_form = {
        let button_label = format!("{verb} {name}");
        view! {
            <ActionForm action=actions.set_active>
                <input type="hidden" name="person_id" value=person_id/>
                <input type="hidden" name="active" value=(!active).to_string()/>
                <button type="submit" class="button button-small button-quiet" aria-label=button_label
                    on:click=move |_| actions.focus.set(Some(id))>{verb}</button>
            </ActionForm>
        }
    };
    view! {
        <tr class:inactive=!active>
            <td>
                <div class="person-name">{name}</div>
                <div class="muted">{email}</div>
            </td>
            <td>{role_form}</td>
            <td>
                <ul class="chips">{memberships}</ul>
                {join_form}
            </td>
            <td>
                <span class=status_class>{status}</span>
                {activation_form}
                {reset_form}
                <RowError error=actions.error.into() focus=actions.focus id/>
            </td>
        </tr>
    }
}

/// `path` as a full address of this site, for a link to send by mail.
fn absolute(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let origin = window().location().origin().unwrap_or_default();
        format!("{origin}{path}")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        path.to_owned()
    }
}
