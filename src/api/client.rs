//! The HTTP client: one `reqwest::Client`, the shared rate-limit gate, GET
//! retries, and one typed method per endpoint.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use reqwest::header::{self, HeaderValue};
use reqwest::{Method, StatusCode, Url, redirect};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use uuid::Uuid;

use crate::api::base_url::{self, parse_base_url};
use crate::api::decode::{self, TicketPage, complete_meta, decode_list, decode_one};
use crate::api::endpoint::Endpoint;
use crate::api::error::{self, ApiError, Scrub};
use crate::api::key::ApiKey;
use crate::api::retry::{Backoff, rate_limit_wait};
use crate::api::types::{
    Contact, ErrorBody, Inbox, Message, NewMessage, PageMeta, Priority, Status, Tag, TicketDetail,
    TicketField, TicketPatch, UpdatedTicket, User,
};

/// Largest 2xx body accepted. A 100-ticket page is ~100 KB; anything near
/// this is not an answer we can use, and reading it all would eat memory.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Error bodies are only excerpted; no need to read a whole HTML page.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
/// Redirects followed (same origin only) before giving up.
const MAX_REDIRECTS: usize = 5;
/// Pages fetched at most for one companion list (users, tags, ...).
const MAX_LIST_PAGES: u64 = 50;

/// How to reach the helpdesk. `new` fills in the defaults.
#[derive(Clone)]
pub struct ClientOptions {
    pub base_url: String,
    pub api_key: ApiKey,
    /// Time allowed to open a connection (TCP + TLS). Default 10 s.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included. Default 30 s.
    pub timeout: Duration,
    /// Extra attempts for a GET after a connection error or 502/503/504.
    /// Default 3.
    pub max_get_retries: u32,
    /// Delay schedule between those attempts. Default 200 ms doubling up
    /// to 2 s, with full jitter.
    pub backoff: Backoff,
}

impl ClientOptions {
    pub fn new(base_url: impl Into<String>, api_key: ApiKey) -> Self {
        ClientOptions {
            base_url: base_url.into(),
            api_key,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_get_retries: 3,
            backoff: Backoff::default(),
        }
    }
}

/// By hand: the base URL is not validated yet and may hold a pasted key
/// (`?api_key=...`, `user:key@`), which `base_url::shown` leaves out.
impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base_url", &base_url::shown(&self.base_url))
            .field("api_key", &self.api_key)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_get_retries", &self.max_get_retries)
            .field("backoff", &self.backoff)
            .finish()
    }
}

/// A typed client for the helpdesk API. Cheap to clone: clones share the
/// connection pool and the rate-limit gate.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    shared: Arc<Shared>,
}

struct Shared {
    base: Url,
    /// `base` as given back by `base_url()`, without a trailing slash.
    base_str: String,
    /// `Bearer <key>`, marked sensitive so it never shows in reqwest's
    /// own `Debug` output.
    auth: HeaderValue,
    key: ApiKey,
    timeout: Duration,
    max_get_retries: u32,
    backoff: Backoff,
    /// The instant before which nothing may be sent (CONTRACT.md §4).
    blocked_until: Mutex<Option<Instant>>,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.shared.base_str)
            .field("api_key", &self.shared.key)
            .field("rate_limited_until", &self.rate_limited_until())
            .finish()
    }
}

impl ApiClient {
    pub fn new(opts: ClientOptions) -> Result<Self, ApiError> {
        let base = parse_base_url(&opts.base_url)?;
        if opts.api_key.is_empty() {
            return Err(ApiError::Config(
                "no API key: set TRIAGE_API_KEY or api_key_cmd in the config file".into(),
            ));
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", opts.api_key.expose()))
            .map_err(|_| {
                ApiError::Config(
                    "the API key contains characters that cannot be sent in an HTTP header".into(),
                )
            })?;
        auth.set_sensitive(true);

        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("triage/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .redirect(same_origin_redirects());
        if base_url::is_loopback(&base) {
            // reqwest honours HTTP_PROXY/ALL_PROXY for every host, loopback
            // included: a plain-http request would then hand the proxy the
            // `Authorization` header in clear text (and the proxy would
            // reach its own loopback, not ours). Other https bases keep the
            // environment's proxy: HTTPS_PROXY is a CONNECT tunnel, the key
            // stays inside TLS.
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| ApiError::Config(format!("could not set up the HTTP client: {e}")))?;

        let base_str = base.as_str().trim_end_matches('/').to_string();
        Ok(ApiClient {
            http,
            shared: Arc::new(Shared {
                base,
                base_str,
                auth,
                key: opts.api_key,
                timeout: opts.timeout,
                max_get_retries: opts.max_get_retries,
                backoff: opts.backoff,
                blocked_until: Mutex::new(None),
            }),
        })
    }

    /// The validated base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_str
    }

    /// `GET /tickets` with the filter's query pairs, decoded leniently.
    pub async fn list_tickets(
        &self,
        query: &[(String, String)],
        page: u64,
        per_page: u64,
    ) -> Result<TicketPage, ApiError> {
        let body = self.tickets_body(query, page, per_page).await?;
        decode::ticket_page(&body, page, per_page, &self.scrub())
    }

    /// `GET /tickets`, the tickets exactly as the API gave them (for
    /// `--format json`), with the page's `meta`.
    pub async fn list_tickets_json(
        &self,
        query: &[(String, String)],
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<serde_json::Value>, PageMeta), ApiError> {
        let body = self.tickets_body(query, page, per_page).await?;
        decode::raw_page(&body, page, per_page, &self.scrub())
    }

    /// The undecoded 2xx body of one `GET /tickets` page.
    async fn tickets_body(
        &self,
        query: &[(String, String)],
        page: u64,
        per_page: u64,
    ) -> Result<Vec<u8>, ApiError> {
        let url = self.tickets_url(query, page, per_page);
        self.send(Method::GET, Endpoint::Tickets, url, None).await
    }

    pub async fn statuses(&self) -> Result<Vec<Status>, ApiError> {
        self.companion_list(Endpoint::Statuses).await
    }

    pub async fn priorities(&self) -> Result<Vec<Priority>, ApiError> {
        self.companion_list(Endpoint::Priorities).await
    }

    pub async fn tags(&self) -> Result<Vec<Tag>, ApiError> {
        self.companion_list(Endpoint::Tags).await
    }

    pub async fn inboxes(&self) -> Result<Vec<Inbox>, ApiError> {
        self.companion_list(Endpoint::Inboxes).await
    }

    pub async fn users(&self) -> Result<Vec<User>, ApiError> {
        self.companion_list(Endpoint::Users).await
    }

    pub async fn ticket_fields(&self) -> Result<Vec<TicketField>, ApiError> {
        self.companion_list(Endpoint::TicketFields).await
    }

    /// `GET /tickets/{id}`: the ticket with its tags and custom fields.
    pub async fn ticket(&self, id: Uuid) -> Result<TicketDetail, ApiError> {
        let id = id.to_string();
        let url = base_url::join(&self.shared.base, &["tickets", &id], &[]);
        let body = self.send(Method::GET, Endpoint::Ticket, url, None).await?;
        decode_one(&body, "ticket", &self.scrub())
    }

    /// `GET /contacts/{id}`: who wrote a ticket. A 404 is
    /// [`ApiError::NotSupported`] (the route is a companion one): the
    /// caller tells "no such contact" from "no such route".
    pub async fn contact(&self, id: Uuid) -> Result<Contact, ApiError> {
        let id = id.to_string();
        let url = base_url::join(&self.shared.base, &["contacts", &id], &[]);
        let body = self.send(Method::GET, Endpoint::Contact, url, None).await?;
        decode_one(&body, "contact", &self.scrub())
    }

    /// `GET /tickets/{id}/messages`, one page of the conversation.
    pub async fn messages(
        &self,
        id: Uuid,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<Message>, PageMeta), ApiError> {
        let id = id.to_string();
        let (page_s, per_page_s) = (page.to_string(), per_page.to_string());
        let url = base_url::join(
            &self.shared.base,
            &["tickets", &id, "messages"],
            &[("page", &page_s), ("per_page", &per_page_s)],
        );
        let body = self
            .send(Method::GET, Endpoint::Messages, url, None)
            .await?;
        let (messages, meta, skipped) = decode_list::<Message>(&body, &self.scrub())?;
        if skipped > 0 {
            tracing::debug!(skipped, "skipped malformed messages");
        }
        let meta = complete_meta(meta, page, per_page, messages.len() + skipped);
        Ok((messages, meta))
    }

    /// `PATCH /tickets/{id}` without a precondition: whatever the ticket
    /// became meanwhile, this change wins. See [`Self::update_ticket_if`].
    pub async fn update_ticket(
        &self,
        id: Uuid,
        patch: &TicketPatch,
    ) -> Result<UpdatedTicket, ApiError> {
        self.update_ticket_if(id, patch, None).await
    }

    /// `PATCH /tickets/{id}`: sent once, never retried automatically. The
    /// answer's tags and custom fields are kept when the server sends them.
    ///
    /// With `since` (the `updated_at` last seen for the ticket), the request
    /// carries `If-Unmodified-Since`, cut to the second as an HTTP-date is:
    /// a ticket changed after it answers [`ApiError::Conflict`] with the
    /// ticket as it is now, and nothing changed. A server that ignores the
    /// header applies the change as without it.
    pub async fn update_ticket_if(
        &self,
        id: Uuid,
        patch: &TicketPatch,
        since: Option<DateTime<Utc>>,
    ) -> Result<UpdatedTicket, ApiError> {
        let id = id.to_string();
        let url = base_url::join(&self.shared.base, &["tickets", &id], &[]);
        let json = serde_json::to_vec(patch)
            .map_err(|e| ApiError::Config(format!("could not encode the change: {e}")))?;
        let precondition = since.and_then(http_date);
        let body = self
            .send_with(
                Method::PATCH,
                Endpoint::UpdateTicket,
                url,
                Some(json),
                precondition,
            )
            .await?;
        decode_one(&body, "updated ticket", &self.scrub())
    }

    /// `POST /tickets/{id}/messages`: a note or a reply, sent once, never
    /// retried automatically (a retry could post it twice). Answers the
    /// message as the server stored it.
    pub async fn post_message(&self, id: Uuid, message: &NewMessage) -> Result<Message, ApiError> {
        let id = id.to_string();
        let url = base_url::join(&self.shared.base, &["tickets", &id, "messages"], &[]);
        let json = serde_json::to_vec(message)
            .map_err(|e| ApiError::Config(format!("could not encode the message: {e}")))?;
        let body = self
            .send(Method::POST, Endpoint::PostMessage, url, Some(json))
            .await?;
        decode_one(&body, "posted message", &self.scrub())
    }

    /// The instant before which every request fails fast with
    /// `RateLimited`, if a 429 set one that has not passed yet.
    pub fn rate_limited_until(&self) -> Option<Instant> {
        let until = *self.gate();
        until.filter(|u| *u > Instant::now())
    }

    /// Lifts the rate-limit gate: the user explicitly asked to retry now.
    pub fn clear_rate_limit(&self) {
        *self.gate() = None;
    }

    /// The list request as a shell command, for "copy as curl": the key is
    /// written as `$TRIAGE_API_KEY`, never itself.
    pub fn curl_command(&self, query: &[(String, String)], page: u64, per_page: u64) -> String {
        base_url::curl_line(&self.tickets_url(query, page, per_page))
    }

    fn tickets_url(&self, query: &[(String, String)], page: u64, per_page: u64) -> Url {
        let (page_s, per_page_s) = (page.to_string(), per_page.to_string());
        let mut pairs: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.push(("page", &page_s));
        pairs.push(("per_page", &per_page_s));
        base_url::join(&self.shared.base, &["tickets"], &pairs)
    }

    /// A companion list. When the server paginates it (`meta.total` beyond
    /// what came back), the remaining pages are fetched too, up to a limit.
    async fn companion_list<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
    ) -> Result<Vec<T>, ApiError> {
        let Some(segment) = endpoint.list_segment() else {
            return Err(ApiError::Config(format!("{endpoint} is not a list")));
        };
        let url = base_url::join(&self.shared.base, &[segment], &[]);
        let body = self.send(Method::GET, endpoint, url, None).await?;
        let (mut items, meta, mut skipped) = decode_list::<T>(&body, &self.scrub())?;
        let meta: Option<PageMeta> = meta.and_then(|m| serde_json::from_value(m).ok());
        if let Some(meta) = meta.filter(|m| m.per_page > 0) {
            let pages = meta.page_count().min(MAX_LIST_PAGES);
            let per_page_s = meta.per_page.to_string();
            for page in (meta.page.max(1) + 1)..=pages {
                let page_s = page.to_string();
                let url = base_url::join(
                    &self.shared.base,
                    &[segment],
                    &[("page", &page_s), ("per_page", &per_page_s)],
                );
                let body = self.send(Method::GET, endpoint, url, None).await?;
                let (more, _, more_skipped) = decode_list::<T>(&body, &self.scrub())?;
                if more.is_empty() && more_skipped == 0 {
                    break;
                }
                items.extend(more);
                skipped += more_skipped;
            }
        }
        if skipped > 0 {
            tracing::debug!(%endpoint, skipped, "skipped malformed list entries");
        }
        Ok(items)
    }

    /// Takes the key out of whatever server text an error quotes.
    fn scrub(&self) -> Scrub<'_> {
        Scrub(self.shared.key.expose())
    }

    fn gate(&self) -> MutexGuard<'_, Option<Instant>> {
        // The guarded value is a plain `Option<Instant>`: a panic elsewhere
        // cannot leave it half-written, so a poisoned lock is still sound.
        self.shared
            .blocked_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn check_gate(&self) -> Result<(), ApiError> {
        let now = Instant::now();
        match *self.gate() {
            Some(until) if until > now => Err(ApiError::RateLimited {
                retry_at: until,
                wait: until - now,
            }),
            _ => Ok(()),
        }
    }

    /// Closes the gate until `until` (or later, if already closed longer);
    /// returns the instant now in force.
    fn block_until(&self, until: Instant) -> Instant {
        let mut gate = self.gate();
        let effective = gate.map_or(until, |current| current.max(until));
        *gate = Some(effective);
        effective
    }

    /// Sends one request (plus retries for GET) and returns the 2xx body.
    async fn send(
        &self,
        method: Method,
        endpoint: Endpoint,
        url: Url,
        json_body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, ApiError> {
        self.send_with(method, endpoint, url, json_body, None).await
    }

    /// [`Self::send`], with an `If-Unmodified-Since` value when given.
    async fn send_with(
        &self,
        method: Method,
        endpoint: Endpoint,
        url: Url,
        json_body: Option<Vec<u8>>,
        unmodified_since: Option<HeaderValue>,
    ) -> Result<Vec<u8>, ApiError> {
        let retries = if method == Method::GET && !endpoint.is_write() {
            self.shared.max_get_retries
        } else {
            0
        };
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let mut attempt = 0u32;
        loop {
            self.check_gate()?;
            let started = Instant::now();
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .header(header::AUTHORIZATION, self.shared.auth.clone())
                .header(header::ACCEPT, "application/json");
            if let Some(since) = &unmodified_since {
                request = request.header(header::IF_UNMODIFIED_SINCE, since.clone());
            }
            if let Some(body) = &json_body {
                request = request
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let outcome = match request.send().await {
                Ok(response) => self.read_response(response, endpoint).await,
                Err(e) => Err(Failure::transport(&e, self.shared.timeout)),
            };
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match outcome {
                Ok((status, body)) => {
                    tracing::debug!(%method, path, status = status.as_u16(), elapsed_ms, attempt, "request");
                    return Ok(body);
                }
                Err(failure) => {
                    tracing::debug!(
                        %method, path, status = failure.status.map(|s| s.as_u16()), elapsed_ms, attempt,
                        error = %failure.error, "request failed"
                    );
                    if failure.retryable && attempt < retries {
                        tokio::time::sleep(self.shared.backoff.delay(attempt)).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(failure.error);
                }
            }
        }
    }

    async fn read_response(
        &self,
        mut response: reqwest::Response,
        endpoint: Endpoint,
    ) -> Result<(StatusCode, Vec<u8>), Failure> {
        let status = response.status();
        let cap = if status.is_success() {
            MAX_BODY_BYTES
        } else {
            MAX_ERROR_BODY_BYTES
        };
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = Vec::new();
        let mut too_large = false;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = cap - body.len();
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        too_large = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // A 2xx whose body broke off is a transport failure (and
                // worth retrying for a GET); for an error status what we
                // have is enough to excerpt.
                Err(e) if status.is_success() => {
                    return Err(Failure::transport(&e, self.shared.timeout));
                }
                Err(_) => break,
            }
        }

        if status.is_success() {
            if too_large {
                return Err(Failure::fatal(ApiError::Decode(format!(
                    "the answer is larger than {} MB",
                    MAX_BODY_BYTES / (1024 * 1024)
                ))));
            }
            return Ok((status, body));
        }
        if status == StatusCode::PRECONDITION_FAILED && endpoint == Endpoint::UpdateTicket {
            // The one error that carries news: the ticket as it is now.
            let error = match decode_one::<UpdatedTicket>(&body, "current ticket", &self.scrub()) {
                Ok(current) => ApiError::Conflict {
                    current: Box::new(current),
                },
                Err(_) => error::classify(
                    status,
                    &body,
                    endpoint.route_kind(),
                    endpoint.label(),
                    &self.scrub(),
                ),
            };
            return Err(Failure::fatal(error));
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            let error_body: Option<ErrorBody> = serde_json::from_slice(&body).ok();
            let wait = rate_limit_wait(
                SystemTime::now(),
                retry_after.as_deref(),
                error_body.as_ref().and_then(|b| b.retry_after.as_ref()),
            );
            let retry_at = self.block_until(Instant::now() + wait);
            return Err(Failure {
                status: Some(status),
                retryable: false,
                error: ApiError::RateLimited {
                    retry_at,
                    wait: retry_at.saturating_duration_since(Instant::now()),
                },
            });
        }
        let error = error::classify(
            status,
            &body,
            endpoint.route_kind(),
            endpoint.label(),
            &self.scrub(),
        );
        Err(Failure {
            status: Some(status),
            retryable: matches!(status.as_u16(), 502..=504),
            error,
        })
    }
}

/// `t` as an HTTP-date, cut to the second (the header's resolution; the
/// server compares the same way). `None` before 1970, which no ticket is.
pub fn http_date(t: DateTime<Utc>) -> Option<HeaderValue> {
    let secs = u64::try_from(t.timestamp()).ok()?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
    HeaderValue::from_str(&httpdate::fmt_http_date(at)).ok()
}

/// A failed attempt, and whether another attempt may fix it.
struct Failure {
    status: Option<StatusCode>,
    retryable: bool,
    error: ApiError,
}

impl Failure {
    fn fatal(error: ApiError) -> Self {
        Failure {
            status: None,
            retryable: false,
            error,
        }
    }

    /// Connection refused/reset and the like are worth another try for a
    /// GET; a timeout is not (it already cost the whole budget), nor is a
    /// refused redirect.
    fn transport(e: &reqwest::Error, timeout: Duration) -> Self {
        Failure {
            status: None,
            retryable: !e.is_timeout() && !e.is_redirect() && !e.is_builder(),
            error: error::network_error(e, timeout),
        }
    }
}

/// Follows redirects only within the same scheme, host and port, so the
/// key (which reqwest would strip anyway on a cross-origin hop) and the
/// user's queries stay where the user pointed them, and https never
/// downgrades to http.
fn same_origin_redirects() -> redirect::Policy {
    redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.follow();
        };
        let same_origin = first.scheme() == attempt.url().scheme()
            && first.host_str() == attempt.url().host_str()
            && first.port_or_known_default() == attempt.url().port_or_known_default();
        if !same_origin {
            let to = attempt
                .url()
                .host_str()
                .map(|h| crate::text::excerpt(h, 80))
                .unwrap_or_default();
            attempt.error(format!("the server redirected to another origin ({to})"))
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}
