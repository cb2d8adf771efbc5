//! The base URL: which ones may carry the API key, and how request URLs and
//! the "copy as curl" line are built from it.

use std::net::IpAddr;

use reqwest::Url;

use crate::api::error::ApiError;
use crate::text;

/// Parses and checks a base URL such as `https://acme.example.com/api/v1`.
///
/// The key is only sent over https, or over plain http to this machine
/// (127.0.0.0/8, ::1, `localhost`), where no one else is on the wire
/// (CONTRACT.md §5). Credentials, queries and fragments are refused: they
/// would leak into every request and every "copy as curl".
pub fn parse_base_url(raw: &str) -> Result<Url, ApiError> {
    let trimmed = raw.trim();
    let shown = shown(trimmed);
    if trimmed.is_empty() {
        return Err(ApiError::Config(
            "no base URL: set --base-url, TRIAGE_BASE_URL or base_url in the config file".into(),
        ));
    }
    let url = Url::parse(trimmed).map_err(|e| {
        ApiError::Config(format!(
            "invalid base URL {shown:?}: {e} (expected e.g. https://acme.example.com/api/v1)"
        ))
    })?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| ApiError::Config(format!("base URL {shown:?} has no host")))?;
    let host_shown = text::excerpt(host, 80);
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(ApiError::Config(format!(
                "refusing to send the API key over plain http to {host_shown}; use https://"
            )));
        }
        other => {
            return Err(ApiError::Config(format!(
                "base URL must start with https:// (got {}://)",
                text::excerpt(other, 20)
            )));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::Config(
            "the base URL must not contain a user name or password".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ApiError::Config(format!(
            "base URL {shown:?} must not contain a query (?...) or fragment (#...)"
        )));
    }
    Ok(url)
}

/// A base URL as it may be quoted in an error or `Debug` output, cut short:
/// without user info (`user:password@`), query or fragment, where a pasted
/// key would sit (`?api_key=...`). Works on text that does not parse, too.
pub(crate) fn shown(raw: &str) -> String {
    let raw = raw.trim();
    let (before, hidden) = match raw.find(['?', '#']) {
        Some(i) => (&raw[..i], &raw[i..=i]),
        None => (raw, ""),
    };
    let authority = before.find("://").map_or(0, |i| i + 3);
    // Up to the last `@`: a password may contain `@` or `/` itself.
    let kept = match before[authority..].rfind('@') {
        Some(at) => format!(
            "{}…@{}",
            &before[..authority],
            &before[authority + at + 1..]
        ),
        None => before.to_string(),
    };
    let ellipsis = if hidden.is_empty() { "" } else { "…" };
    text::excerpt(&format!("{kept}{hidden}{ellipsis}"), 80)
}

/// 127.0.0.0/8, ::1 (also IPv4-mapped) or `localhost`: this machine.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // IPv6 hosts come bracketed: `[::1]`.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => {
            // Only `localhost` itself, not `*.localhost`: the fewer names
            // we trust to resolve to this machine, the better.
            bare.trim_end_matches('.').eq_ignore_ascii_case("localhost")
        }
    }
}

/// `base` + path segments (each percent-encoded) + query pairs.
pub(crate) fn join(base: &Url, segments: &[&str], query: &[(&str, &str)]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        // `parse_base_url` only admits http(s) URLs with a host, which can
        // always be a base; the `if let` is for the type system.
        path.pop_if_empty().extend(segments);
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    url
}

/// `curl -H "Authorization: Bearer $TRIAGE_API_KEY" 'URL'`: the key stays
/// in the environment variable, the URL is single-quoted for POSIX shells.
pub(crate) fn curl_line(url: &Url) -> String {
    let s = url.as_str();
    // curl treats [] and {} as glob patterns (an IPv6 host has brackets).
    let globoff = if s.contains(['[', ']', '{', '}']) {
        "--globoff "
    } else {
        ""
    };
    format!(
        "curl {globoff}-H \"Authorization: Bearer $TRIAGE_API_KEY\" {}",
        shell_quote(s)
    )
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        for ok in [
            "https://acme.example.com/api/v1",
            "http://127.0.0.1:4010/api/v1",
            "http://127.9.8.7/",
            "http://localhost:8080",
            "http://LOCALHOST./api",
            "http://[::1]:4010/api/v1",
            " https://x.example/ ",
        ] {
            assert!(parse_base_url(ok).is_ok(), "{ok}");
        }
        let e = parse_base_url("http://example.com/api/v1").unwrap_err();
        assert_eq!(
            e.to_string(),
            "refusing to send the API key over plain http to example.com; use https://"
        );
        for bad in [
            "http://10.0.0.1/",
            "http://localhost.example.com/",
            "http://[::2]/",
            "ftp://127.0.0.1/",
            "https://user:pw@x.example/",
            "https://x.example/?a=b",
            "not a url",
            "",
        ] {
            assert!(
                matches!(parse_base_url(bad), Err(ApiError::Config(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn shown_hides_user_info_query_and_fragment() {
        assert_eq!(
            shown(" https://x.example/api/v1 "),
            "https://x.example/api/v1"
        );
        assert_eq!(
            shown("https://x.example/api?k=v#f"),
            "https://x.example/api?…"
        );
        assert_eq!(shown("https://x.example/api#f"), "https://x.example/api#…");
        assert_eq!(
            shown("https://u:p@ss@x.example:1/a"),
            "https://…@x.example:1/a"
        );
        assert_eq!(shown("u:secret@x.example/a"), "…@x.example/a");
    }

    #[test]
    fn join_keeps_the_base_path() {
        let base = parse_base_url("https://x.example/api/v1/").unwrap();
        let u = join(&base, &["tickets"], &[("q", "a b&c"), ("page", "2")]);
        assert_eq!(
            u.as_str(),
            "https://x.example/api/v1/tickets?q=a+b%26c&page=2"
        );
        let base = parse_base_url("https://x.example/api/v1").unwrap();
        assert_eq!(
            join(&base, &["tickets", "a/b"], &[]).as_str(),
            "https://x.example/api/v1/tickets/a%2Fb"
        );
    }

    #[test]
    fn curl_line_is_quoted_and_keyless() {
        let base = parse_base_url("http://[::1]:4010/api/v1").unwrap();
        let u = join(&base, &["tickets"], &[("query", "it's")]);
        let line = curl_line(&u);
        assert_eq!(
            line,
            "curl --globoff -H \"Authorization: Bearer $TRIAGE_API_KEY\" 'http://[::1]:4010/api/v1/tickets?query=it%27s'"
        );
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }
}
