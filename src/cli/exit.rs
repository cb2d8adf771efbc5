//! Exit codes: one per kind of failure a script can act on differently
//! (fix the command line, fix the config, fix the key, wait, retry, look at
//! the report). docs/cli.md and `triage man` list them; the table here is
//! their source (`EXIT_CODES`).

use std::process::ExitCode;

use triage::api::ApiError;
use triage::config::ConfigError;

/// What each code means, in order, for the docs and the man page.
pub const EXIT_CODES: &[(u8, &str)] = &[
    (0, "success"),
    (
        1,
        "any other failure (a server error, an answer that cannot be read, a bug), said in one line on stderr",
    ),
    (
        2,
        "usage: an unknown flag or a bad value on the command line, a view or macro that does not exist, a filter that does not parse",
    ),
    (
        3,
        "configuration: the config file does not parse, a profile, base URL or key is missing, api_key_cmd failed, config check found a problem",
    ),
    (
        4,
        "authentication or permission: the key was refused (401), the workspace has no API access or the key is read-only (403)",
    ),
    (
        5,
        "rate limited: the server said 429 and the command does not wait (list --all and apply do wait)",
    ),
    (
        6,
        "network: no answer (connection refused, DNS, TLS, timeout)",
    ),
    (
        7,
        "apply did not complete on every ticket (a change or its note failed or was skipped): the report on stdout says which",
    ),
];

pub const USAGE: u8 = 2;
pub const CONFIG: u8 = 3;
pub const AUTH: u8 = 4;
pub const RATE_LIMITED: u8 = 5;
pub const NETWORK: u8 = 6;
pub const PARTIAL: u8 = 7;

/// A command line that asks for something that cannot be: exit 2, like
/// clap's own usage errors.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// `triage config check` found problems.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigProblems(pub String);

/// `triage apply` reached only some of its tickets.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PartialFailure(pub String);

/// The code for an error: the first cause along its chain that says
/// what kind of failure it is.
pub fn code(err: &anyhow::Error) -> u8 {
    err.chain()
        .find_map(|cause| {
            if cause.is::<UsageError>() {
                return Some(USAGE);
            }
            if cause.is::<PartialFailure>() {
                return Some(PARTIAL);
            }
            if cause.is::<ConfigError>() || cause.is::<ConfigProblems>() {
                return Some(CONFIG);
            }
            match cause.downcast_ref::<ApiError>()? {
                ApiError::Unauthorized { .. }
                | ApiError::Forbidden { .. }
                | ApiError::InsufficientScope { .. } => Some(AUTH),
                ApiError::RateLimited { .. } => Some(RATE_LIMITED),
                ApiError::Network(_) => Some(NETWORK),
                ApiError::Config(_) => Some(CONFIG),
                _ => None,
            }
        })
        .unwrap_or(1)
}

pub fn exit_code(err: &anyhow::Error) -> ExitCode {
    ExitCode::from(code(err))
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn the_kind_is_found_under_context() {
        let err = anyhow::Error::new(ApiError::Network("refused".into())).context("reading page 2");
        assert_eq!(code(&err), NETWORK);
        let err: anyhow::Result<()> = Err(ApiError::Unauthorized {
            message: "no".into(),
        })
        .context("listing");
        assert_eq!(code(&err.unwrap_err()), AUTH);
        assert_eq!(code(&anyhow::anyhow!("something else")), 1);
        assert_eq!(code(&UsageError("x".into()).into()), USAGE);
    }

    #[test]
    fn codes_are_distinct_and_documented_in_order() {
        let codes: Vec<u8> = EXIT_CODES.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, (0..=7).collect::<Vec<u8>>());
        for c in [USAGE, CONFIG, AUTH, RATE_LIMITED, NETWORK, PARTIAL] {
            assert!(codes.contains(&c));
        }
    }
}
