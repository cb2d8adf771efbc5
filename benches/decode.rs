//! Decoding one 100-ticket page of `GET /tickets` the way the client does
//! (`decode_ticket_page`: one typed pass, falling back to row-by-row when a
//! row is not a ticket so that row is skipped), next to the plain strict
//! decode and the raw path used by `--format json`.
//!
//! `cargo bench --bench decode`

use std::hint::black_box;

use serde_json::{Value, json};
use triage::api::decode::{decode_raw_page, decode_ticket_page};
use triage::api::types::{Envelope, Ticket};
use uuid::Uuid;

fn main() {
    divan::main();
}

const SUBJECTS: &[&str] = &[
    "Refund for order #{n} still not processed",
    "Can't log in after password reset",
    "Invoice shows the wrong VAT number — urgent",
    "Printer on fire (again)",
    "Feature request: export tickets as CSV",
    "返金について: 注文 {n}",
    "Shipping label printed twice, customer charged twice",
    "SSO with Okta fails with error 0x8004",
];
const STATUSES: &[(&str, &str, &str)] = &[
    ("open", "New", "#3b82f6"),
    ("in_progress", "Investigating", "#8b5cf6"),
    ("waiting", "Awaiting parts", "#f59e0b"),
    ("waiting", "Waiting on customer", "#fa0"),
    ("resolved", "Fixed", "#10b981"),
    ("closed", "Closed", ""),
];
const PRIORITIES: &[(&str, &str, &str)] = &[
    ("low", "P4", "#9ca3af"),
    ("normal", "P3", "#60a5fa"),
    ("high", "P2", "#f97316"),
    ("urgent", "P1", "#ef4444"),
];

/// A page shaped like the local server's: every field of CONTRACT.md §2,
/// a mix of nulls, an unknown extra field, realistic string lengths.
fn page_json(rows: u64) -> Vec<u8> {
    let data: Vec<Value> = (0..rows)
        .map(|i| {
            let n = 1000 + i;
            let (status, status_name, status_color) = STATUSES[(i % 6) as usize];
            let (priority, priority_name, priority_color) = PRIORITIES[(i % 4) as usize];
            let id = |salt: u64| Uuid::from_u64_pair(salt, i).to_string();
            json!({
                "id": id(1),
                "ticket_number": n,
                "subject": SUBJECTS[(i % 8) as usize].replace("{n}", &n.to_string()),
                "inbox_id": Uuid::from_u64_pair(2, i % 4).to_string(),
                "status": status,
                "status_id": Uuid::from_u64_pair(3, i % 6).to_string(),
                "status_name": status_name,
                "status_color": status_color,
                "priority": priority,
                "priority_id": Uuid::from_u64_pair(4, i % 4).to_string(),
                "priority_name": priority_name,
                "priority_color": priority_color,
                "assignee_id": if i % 3 == 0 { Value::Null } else { json!(Uuid::from_u64_pair(5, i % 10).to_string()) },
                "contact_id": id(6),
                "remind_at": if status == "waiting" { json!("2026-12-01T09:00:00Z") } else { Value::Null },
                "remind_transition_status_id": if status == "waiting" { json!(Uuid::from_u64_pair(3, 0).to_string()) } else { Value::Null },
                "created_at": format!("2026-11-{:02}T{:02}:14:07.123Z", 1 + i % 28, i % 24),
                "updated_at": format!("2026-11-{:02}T{:02}:40:55Z", 1 + i % 28, (i + 3) % 24),
                "channel": "email",
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "data": data,
        "meta": {"page": 1, "per_page": rows, "total": 4210}
    }))
    .expect("a JSON value always serializes")
}

#[divan::bench]
fn client_page_100(bencher: divan::Bencher) {
    let body = page_json(100);
    bencher
        .counter(divan::counter::BytesCount::new(body.len()))
        .bench(|| {
            let page = decode_ticket_page(black_box(&body), 1, 100).expect("valid page");
            assert_eq!(page.tickets.len(), 100);
            page
        });
}

/// The same page with one row that is not a ticket: the row-by-row
/// fallback that skips it.
#[divan::bench]
fn client_page_100_one_bad_row(bencher: divan::Bencher) {
    let mut page: Value = serde_json::from_slice(&page_json(100)).expect("valid JSON");
    page["data"][50] = json!({"id": "not-a-uuid", "status": "open"});
    let body = serde_json::to_vec(&page).expect("a JSON value always serializes");
    bencher
        .counter(divan::counter::BytesCount::new(body.len()))
        .bench(|| {
            let page = decode_ticket_page(black_box(&body), 1, 100).expect("valid page");
            assert_eq!(page.skipped, 1);
            page
        });
}

#[divan::bench]
fn raw_json_page_100(bencher: divan::Bencher) {
    let body = page_json(100);
    bencher
        .counter(divan::counter::BytesCount::new(body.len()))
        .bench(|| decode_raw_page(black_box(&body), 1, 100).expect("valid page"));
}

/// The strict single pass (one bad row fails the page): the price of
/// leniency is the difference to `client_page_100`.
#[divan::bench]
fn strict_page_100(bencher: divan::Bencher) {
    let body = page_json(100);
    bencher
        .counter(divan::counter::BytesCount::new(body.len()))
        .bench(|| {
            serde_json::from_slice::<Envelope<Vec<Ticket>>>(black_box(&body)).expect("valid page")
        });
}
