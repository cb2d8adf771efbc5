//! The local helpdesk server (axum) and its generated data.
