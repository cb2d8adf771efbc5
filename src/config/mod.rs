//! The configuration file: where it is, what it holds, how a profile
//! becomes a base URL and an API key, `config check`, and in-place editing
//! of saved views.
//!
//! Location: `--config PATH` > `TRIAGE_CONFIG` > `$XDG_CONFIG_HOME/triage/config.toml`
//! (the platform's config directory elsewhere). A missing file means
//! defaults, unless its path was given explicitly. `config.example.toml` at
//! the repository root documents every setting.
//!
//! The process environment is read in one place, [`process_env`]; every
//! other function takes an env getter, so tests pass a closure instead of
//! mutating the environment.

mod atomic;
mod check;
mod demo_epoch;
mod drafts;
mod error;
mod key_command;
mod load;
mod model;
mod profile;
mod remember;
mod schema;
mod state_file;
pub mod theme;
mod views;

pub use check::{CheckReport, check};
pub use demo_epoch::{demo_epoch, demo_epoch_path};
pub use drafts::{Draft, DraftId, DraftOwner, Drafts};
pub use error::ConfigError;
pub use key_command::OUTPUT_CAP as KEY_COMMAND_OUTPUT_CAP;
pub use load::{
    CONFIG_ENV, ConfigLocation, ConfigWarning, LoadedConfig, LocationSource, Parsed, UnknownKey,
    default_path, demo_views_path, load, load_from, load_with_env, locate, parse, parse_reporting,
    process_env, state_dir,
};
pub use model::{
    AfterReply, CommandDef, CommandOutput, ConfigFile, KeyCommandTimeout, KeySpec, ListRefresh,
    MacroDef, MarkedRun, Notify, PerPage, Profile, ReplyDef, SavedView, TrueColor, UiConfig,
};
pub use profile::{API_KEY_ENV, BASE_URL_ENV, KeySource, ResolvedProfile, UrlSource, redact_url};
pub use remember::{
    DiskPage, MAX_PAGE_FILES, SavedPage, SavedSession, SessionStore, VERSION as REMEMBER_VERSION,
};
pub use schema::{SchemaFacts, schema};
pub use views::{
    EditOutcome, Fingerprint, ViewEdit, backup_path, delete_view, edit_views, save_view,
    start_views_file,
};
