//! The local helpdesk server on 127.0.0.1, clients and ticket sources for it.

use std::sync::Arc;

use triage::api::{ApiClient, ApiKey, Catalog, ClientOptions, load_catalog};
use triage::filter::Aliases;
use triage::runtime::ApiSource;
use triage::server::{self, ServerConfig, ServerHandle};

/// The server with `config`, on a free port.
pub async fn spawn(config: ServerConfig) -> ServerHandle {
    server::spawn(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// A client of `handle`'s server, sending `key`.
pub fn client(handle: &ServerHandle, key: &str) -> ApiClient {
    ApiClient::new(ClientOptions::new(handle.base_url(), ApiKey::new(key))).unwrap()
}

/// The catalog `client` loads from the server, under `aliases`.
pub async fn catalog(client: &ApiClient, aliases: &Aliases) -> Arc<Catalog> {
    Arc::new(load_catalog(client, aliases).await)
}

/// A source sending `key`, its catalog loaded before it starts.
pub async fn source(handle: &ServerHandle, key: &str) -> (ApiSource, Arc<Catalog>) {
    let client = client(handle, key);
    let catalog = catalog(&client, &Aliases::default()).await;
    (ApiSource::new(client, catalog.clone()), catalog)
}

/// A source with the demo key and an empty catalog: it loads the names
/// itself, in the background.
pub fn source_without_names(handle: &ServerHandle) -> ApiSource {
    ApiSource::new(
        client(handle, server::DEMO_KEY),
        Arc::new(Catalog::from_aliases(Aliases::default())),
    )
}
