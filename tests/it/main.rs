//! Every integration test in one binary, so the library is linked once
//! rather than once per test file. One module per feature; `support` holds
//! the shared fixtures and key helpers. Run one module with
//! `cargo test --test it views_update::`.
//!
//! The tests share one process: none may set environment variables, change
//! the current directory or install a process-wide hook or subscriber of its
//! own (`api_client`'s log capture is the one global subscriber).

mod support;

mod api_client;
mod app_api_source;
mod app_runtime;
mod app_update;
mod arrows;
mod bookkeeping;
mod build_version;
mod cli_config;
mod cli_list;
mod cli_list_columns;
mod columns_ui;
mod commands;
mod config;
mod config_schema;
mod contacts;
mod docs_links;
mod exit_codes;
mod filter_line;
mod filter_panel;
mod filter_props;
mod filter_server_agreement;
mod generated_docs;
mod macros;
mod macros_cli;
mod module_sizes;
mod msrv;
mod news;
mod persist;
mod pickers;
mod poll;
mod replies_cli;
mod row_details;
mod search;
mod server_activity;
mod server_contract;
mod server_team;
mod shell;
mod soak;
mod team_conflicts;
mod team_cop;
mod team_probe;
mod team_render;
mod text_props;
mod themes;
mod triage_http;
mod triage_macros;
mod triage_render;
mod triage_replies;
mod triage_routing;
mod triage_update;
mod triage_write;
mod ui_render;
mod views_cli;
mod views_config;
mod views_render;
mod views_source;
mod views_update;
