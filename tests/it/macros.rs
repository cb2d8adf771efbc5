//! The macro language against the local server's real catalog: names
//! become ids, field values are typed for their field, and every mistake
//! is refused before anything is sent, with carets under the bad token.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use triage::api::Catalog;
use triage::app::keymap::{Key, Keymap};
use triage::app::macros::{self, Lookup, Plan, parse_actions, resolve};
use triage::config::MacroDef;
use triage::filter::Aliases;
use triage::filter::text::ParseError;
use triage::model::{PriorityLevel, StatusCategory};
use triage::server::{self as helpdesk, ServerConfig};
use uuid::Uuid;

use crate::support::server::{catalog, client};

async fn live_catalog() -> Arc<Catalog> {
    let server = helpdesk::spawn(
        ServerConfig {
            tickets: 20,
            ..ServerConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let client = client(&server, helpdesk::DEMO_KEY);
    catalog(&client, &Aliases::default()).await
}

fn me(catalog: &Catalog) -> Uuid {
    catalog.users()[0].id
}

fn plan(catalog: &Catalog, actions: &str) -> Result<Plan, ParseError> {
    let steps = parse_actions(actions)?;
    resolve(
        &steps,
        actions,
        &Lookup {
            catalog,
            me: Some(me(catalog)),
            now: Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap(),
            replies: &["Thanks".to_string(), "Need logs".to_string()],
        },
    )
}

/// The error, and the text its carets sit under.
fn refused<'a>(catalog: &Catalog, actions: &'a str) -> (ParseError, &'a str) {
    let e = plan(catalog, actions).expect_err(actions);
    let marked = &actions[e.span.clone()];
    (e, marked)
}

#[tokio::test]
async fn every_action_resolves_against_the_workspace() {
    let c = live_catalog().await;
    let p = plan(
        &c,
        r#"status:Triaged priority:"On fire" assignee:me inbox:Billing +tag:vip,refund -tag:billing field:plan=Enterprise field:region=empty field:seats=12 field:vip=yes field:affected_areas=API,SSO note:"Escalated to billing""#,
    )
    .unwrap();
    assert!(p.patches());
    let status = p.status.unwrap();
    assert_eq!(status.category, StatusCategory::InProgress);
    assert_eq!(
        Some(status.id.unwrap()),
        c.statuses()
            .iter()
            .find(|s| s.name == "Triaged")
            .map(|s| s.id)
    );
    assert_eq!(p.priority.unwrap().level, PriorityLevel::Urgent);
    assert_eq!(p.assignee.unwrap().0, Some(me(&c)));
    let billing = c.inboxes().iter().find(|i| i.name == "Billing").unwrap().id;
    assert_eq!(p.inbox.unwrap(), (billing, "Billing".to_string()));
    let tag = |n: &str| c.tags().iter().find(|t| t.name == n).unwrap().id;
    let added: Vec<Uuid> = p.add_tags.iter().map(|(id, _)| *id).collect();
    assert_eq!(added, vec![tag("vip"), tag("refund")]);
    assert_eq!(p.remove_tags, vec![(tag("billing"), "billing".to_string())]);
    let option = |field: &str, label: &str| {
        let f = c.field(field).unwrap();
        f.options
            .iter()
            .find(|o| o.label == label)
            .unwrap()
            .id
            .to_string()
    };
    assert_eq!(
        p.fields,
        vec![
            ("plan".to_string(), json!(option("plan", "Enterprise"))),
            ("region".to_string(), Value::Null),
            ("seats".to_string(), json!(12)),
            ("vip".to_string(), json!(true)),
            (
                "affected_areas".to_string(),
                json!([
                    option("affected_areas", "API"),
                    option("affected_areas", "SSO")
                ])
            ),
        ]
    );
    assert_eq!(p.note.as_deref(), Some("Escalated to billing"));
}

#[tokio::test]
async fn categories_levels_and_snooze_need_no_names() {
    let c = live_catalog().await;
    let p = plan(&c, "status:in-progress priority:low assignee:none").unwrap();
    let status = p.status.unwrap();
    assert_eq!(
        (status.id, status.category),
        (None, StatusCategory::InProgress)
    );
    // A level picks the workspace's priority of that level, for its name
    // and color on the row.
    let low = p.priority.unwrap();
    assert_eq!(
        (low.level, low.name.as_str()),
        (PriorityLevel::Low, "Whenever")
    );
    assert_eq!(p.assignee.unwrap(), (None, "unassigned".to_string()));

    let p = plan(&c, r#"snooze:"tomorrow 9:00" +tag:vip"#).unwrap();
    assert_eq!(p.snooze.as_deref(), Some("tomorrow 9:00"));
    let note_only = plan(&c, "note:hello").unwrap();
    assert!(!note_only.patches());
}

#[tokio::test]
async fn unknown_names_are_refused_under_the_name() {
    let c = live_catalog().await;
    let (e, marked) = refused(&c, "status:open inbox:Biling");
    assert_eq!(marked, "Biling");
    assert!(
        e.message.contains("did you mean 'Billing'?"),
        "{}",
        e.message
    );

    let (e, marked) = refused(&c, "+tag:vip,nope");
    assert_eq!(marked, "nope");
    assert!(e.message.starts_with("unknown tag 'nope'"), "{}", e.message);

    let (_, marked) = refused(&c, "status:Wrking");
    assert_eq!(marked, "Wrking");
    let (_, marked) = refused(&c, "priority:critical");
    assert_eq!(marked, "critical");
    let (e, marked) = refused(&c, r#"assignee:"Nobody Here""#);
    assert_eq!(marked, r#""Nobody Here""#);
    assert!(e.message.contains("unknown user"), "{}", e.message);
    let (e, marked) = refused(&c, "field:plna=Pro");
    assert_eq!(marked, "plna");
    assert!(e.message.contains("did you mean 'plan'?"), "{}", e.message);
}

#[tokio::test]
async fn values_are_typed_for_their_field() {
    let c = live_catalog().await;
    for (actions, bad, says) in [
        ("field:plan=Gold", "Gold", "unknown option 'Gold'"),
        ("field:seats=lots", "lots", "not a number"),
        ("field:vip=maybe", "maybe", "not true or false"),
        ("field:renewal_date=2026-13-01", "2026-13-01", "not a date"),
        ("field:incident_started_at=noon", "noon", "not an instant"),
    ] {
        let (e, marked) = refused(&c, actions);
        assert_eq!(marked, bad, "{actions}");
        assert!(e.message.contains(says), "{actions}: {}", e.message);
    }
    let p = plan(&c, "field:incident_started_at=2026-11-01T09:30:00+02:00").unwrap();
    assert_eq!(p.fields[0].1, json!("2026-11-01T07:30:00Z"));
}

#[tokio::test]
async fn contradictions_are_refused_before_anything_is_sent() {
    let c = live_catalog().await;
    let (e, marked) = refused(&c, "status:open snooze:4h");
    assert_eq!(marked, "snooze:4h");
    assert!(e.message.contains("not both"), "{}", e.message);
    let (e, marked) = refused(&c, "priority:low priority:high");
    assert_eq!(marked, "priority:high");
    assert_eq!(e.message, "priority given twice");
    let (e, marked) = refused(&c, "+tag:vip -tag:VIP");
    assert_eq!(marked, "VIP");
    assert!(
        e.message.contains("both added and removed"),
        "{}",
        e.message
    );
    let (_, marked) = refused(&c, "field:plan=Pro field:plan=Free");
    assert_eq!(marked, "plan");
    let (e, _) = refused(&c, "snooze:yesterday");
    assert!(
        e.message.contains("not a time") || e.message.contains("past"),
        "{}",
        e.message
    );
    let (e, marked) = refused(&c, r#"note:"  ""#);
    assert_eq!(marked, r#""  ""#);
    assert_eq!(e.message, "the note is empty");
}

#[tokio::test]
async fn assignee_me_needs_me() {
    let c = live_catalog().await;
    let actions = "assignee:me";
    let steps = parse_actions(actions).unwrap();
    let e = resolve(
        &steps,
        actions,
        &Lookup {
            catalog: &c,
            me: None,
            now: Utc::now(),
            replies: &[],
        },
    )
    .unwrap_err();
    assert!(e.message.contains("`me` in the config"), "{}", e.message);
}

#[test]
fn the_error_shows_carets_under_the_token() {
    let actions = "status:open priorty:urgent";
    let e = parse_actions(actions).unwrap_err();
    assert_eq!(
        e.render(actions),
        "status:open priorty:urgent\n            ^^^^^^^\nunknown action 'priorty' (actions: status, priority, assignee, inbox, tag, field, snooze, note, reply)"
    );
}

#[test]
fn loading_reports_problems_and_keeps_the_rest() {
    let keymap = Keymap::default();
    let def = |name: &str, key: Option<&str>, actions: &str| MacroDef {
        name: name.into(),
        key: key.map(str::to_string),
        actions: actions.into(),
        profile: None,
    };
    let taken_by_a_view = Key::parse("ctrl-v").unwrap();
    let (entries, problems) = macros::load(
        &[
            def("Escalate", Some("ctrl-e"), "priority:urgent"),
            def("Broken", None, "priorty:urgent"),
            def("escalate", None, "priority:high"),
            def("Clash", Some("t"), "status:open"),
            def("Clash view", Some("ctrl-v"), "status:open"),
            def("Clash macro", Some("ctrl-e"), "status:open"),
            def("Bad key", Some("hyper-x"), "status:open"),
        ],
        &keymap,
        &[taken_by_a_view],
    );
    assert_eq!(entries.len(), 7);
    assert_eq!(entries[0].key, Some(Key::parse("ctrl-e").unwrap()));
    assert!(entries[1].steps.is_err());
    for (i, says) in [
        (
            1,
            "macro 'Broken': priorty:urgent: unknown action 'priorty'",
        ),
        (2, "macro 'escalate': the name is given twice"),
        (3, "macro 'Clash': key t is already taken"),
        (4, "macro 'Clash view': key Ctrl-v is already taken"),
        (
            5,
            "macro 'Clash macro': key Ctrl-e is already another macro's",
        ),
        (6, "macro 'Bad key': unknown key \"hyper-x\""),
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(says)),
            "entry {i}: {says:?} not in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), 6, "{problems:#?}");
    assert!(entries[3..].iter().all(|e| e.key.is_none()));
}

#[tokio::test]
async fn a_reply_is_named_as_the_config_spells_it_and_an_unknown_one_refused() {
    let c = live_catalog().await;
    let p = plan(&c, r#"priority:urgent reply:"need LOGS""#).unwrap();
    assert_eq!(p.reply.as_deref(), Some("Need logs"));
    assert!(p.patches());
    let (e, marked) = refused(&c, r#"reply:"Thnks""#);
    assert_eq!(marked, r#""Thnks""#);
    assert_eq!(
        e.message,
        "unknown reply 'Thnks' (replies: 'Thanks', 'Need logs')"
    );
    let (e, _) = refused(&c, "reply:Thanks reply:Thanks");
    assert!(e.message.contains("reply given twice"), "{}", e.message);
}
