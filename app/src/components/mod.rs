//! Small pieces every page uses: the header, error messages next to fields,
//! and the panel shown when loading fails.

mod client_only;
mod debounce;
mod forms;
mod header;
mod keep;
mod route;
mod suspended;

pub use client_only::ClientOnly;
pub use debounce::debounced;
pub use forms::{
    ErrorPanel, FieldError, FormAlert, RowError, last_error, reload_after, report_errors,
    reset_after,
};
pub use header::Header;
pub use keep::{Kept, KeptText, details_open, kept, opened_once};
pub use route::id_param;
pub use suspended::suspended;
