//! The API key, kept out of every `Debug`, `Display`, log line and error.

use std::fmt;

/// A helpdesk API key. The only way to read it is [`ApiKey::expose`], called
/// where the `Authorization` header is built, so a stray `{:?}` or `{}` in a
/// log or error prints `ixk_…redacted` instead.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into().trim().to_string())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(ixk_…redacted)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ixk_…redacted")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_never_formats() {
        let k = ApiKey::new("ixk_live_supersecret");
        assert!(!format!("{k:?}").contains("supersecret"));
        assert!(!format!("{k}").contains("supersecret"));
        assert_eq!(k.expose(), "ixk_live_supersecret");
    }
}
