//! Deterministic, realistic data: the same `seed`, `now` and ticket count
//! always give the same dataset. Word lists and templates live in
//! `assets/data/`; the structure (which fields exist, how statuses are
//! spread) lives here.

use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::prelude::*;
use uuid::Uuid;

use super::conversation::{Conversation, ConversationRecipe, Voices};
use super::data::{Contact, Dataset, FieldValue, FieldValues, ServerTicket};
use crate::api::types::{
    FieldOption, FieldType, Inbox, Priority, PriorityLevel, Status, StatusCategory, Tag,
    TicketField, User,
};

/// Lines of an asset list, without blanks and `#` comments.
fn lines(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// `a | b | c` rows of an asset table.
fn rows(text: &'static str) -> Vec<Vec<&'static str>> {
    lines(text)
        .into_iter()
        .map(|l| l.split('|').map(str::trim).collect())
        .collect()
}

pub(super) struct Words {
    pub(super) subjects: Vec<&'static str>,
    subjects_intl: Vec<&'static str>,
    pub(super) sentences: Vec<&'static str>,
    pub(super) agent_replies: Vec<&'static str>,
    pub(super) contact_replies: Vec<&'static str>,
    pub(super) notes: Vec<&'static str>,
    features: Vec<&'static str>,
    platforms: Vec<&'static str>,
    companies: Vec<&'static str>,
    first_names: Vec<&'static str>,
    last_names: Vec<&'static str>,
}

impl Words {
    fn load() -> Words {
        Words {
            subjects: lines(include_str!("../../assets/data/subjects.txt")),
            subjects_intl: lines(include_str!("../../assets/data/subjects_intl.txt")),
            sentences: lines(include_str!("../../assets/data/sentences.txt")),
            agent_replies: lines(include_str!("../../assets/data/replies_agent.txt")),
            contact_replies: lines(include_str!("../../assets/data/replies_contact.txt")),
            notes: lines(include_str!("../../assets/data/notes.txt")),
            features: lines(include_str!("../../assets/data/features.txt")),
            platforms: lines(include_str!("../../assets/data/platforms.txt")),
            companies: lines(include_str!("../../assets/data/companies.txt")),
            first_names: lines(include_str!("../../assets/data/first_names.txt")),
            last_names: lines(include_str!("../../assets/data/last_names.txt")),
        }
    }

    /// Loaded once: conversations are written from them on every read.
    pub(super) fn shared() -> &'static Words {
        static WORDS: LazyLock<Words> = LazyLock::new(Words::load);
        &WORDS
    }
}

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(super) fn pick<'a, R: Rng + ?Sized>(rng: &mut R, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or("")
}

pub(super) fn new_id<R: Rng + ?Sized>(rng: &mut R) -> Uuid {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Fills `{feature}`, `{platform}`, `{n}`, `{company}`, `{month}` slots.
pub(super) fn fill<R: Rng + ?Sized>(rng: &mut R, w: &Words, template: &str, out: &mut String) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        match &after[..close] {
            "feature" => out.push_str(pick(rng, &w.features)),
            "platform" => out.push_str(pick(rng, &w.platforms)),
            "company" => out.push_str(pick(rng, &w.companies)),
            "month" => out.push_str(pick(rng, MONTHS)),
            "n" => {
                let n: u32 = rng.random_range(100..99_999);
                out.push_str(&n.to_string());
            }
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

/// A filled template, without spare capacity (100 000 tickets keep
/// several of these each).
pub(super) fn filled<R: Rng + ?Sized>(rng: &mut R, w: &Words, template: &str) -> String {
    let mut s = String::with_capacity(template.len() + 16);
    fill(rng, w, template, &mut s);
    s.shrink_to_fit();
    s
}

fn catalog_statuses<R: Rng + ?Sized>(rng: &mut R) -> Vec<Status> {
    rows(include_str!("../../assets/data/statuses.txt"))
        .into_iter()
        .filter(|r| r.len() >= 3)
        .map(|r| Status {
            id: new_id(rng),
            name: r[0].to_string(),
            category: StatusCategory::from_wire(r[1]),
            color: Some(r[2].to_string()),
        })
        .collect()
}

fn catalog_priorities<R: Rng + ?Sized>(rng: &mut R) -> Vec<Priority> {
    rows(include_str!("../../assets/data/priorities.txt"))
        .into_iter()
        .filter(|r| r.len() >= 3)
        .map(|r| Priority {
            id: new_id(rng),
            name: r[0].to_string(),
            level: PriorityLevel::from_wire(r[1]),
            color: Some(r[2].to_string()),
        })
        .collect()
}

fn catalog_tags<R: Rng + ?Sized>(rng: &mut R) -> Vec<Tag> {
    rows(include_str!("../../assets/data/tags.txt"))
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| Tag {
            id: new_id(rng),
            name: r[0].to_string(),
            color: r.get(1).filter(|c| !c.is_empty()).map(|c| c.to_string()),
        })
        .collect()
}

fn options<R: Rng + ?Sized>(rng: &mut R, labels: &[&str]) -> Vec<FieldOption> {
    labels
        .iter()
        .map(|l| FieldOption {
            id: new_id(rng),
            label: l.to_string(),
        })
        .collect()
}

fn inbox_named(inboxes: &[Inbox], name: &str) -> Vec<Uuid> {
    inboxes
        .iter()
        .filter(|i| i.name == name)
        .map(|i| i.id)
        .collect()
}

fn catalog_fields<R: Rng + ?Sized>(rng: &mut R, inboxes: &[Inbox]) -> Vec<TicketField> {
    let mut field = |key: &str, label: &str, ty: FieldType, opts: &[&str], scope: Vec<Uuid>| {
        let id = new_id(rng);
        TicketField {
            id,
            field_key: key.to_string(),
            label: label.to_string(),
            field_type: ty,
            options: options(rng, opts),
            inbox_ids: scope,
        }
    };
    vec![
        field(
            "plan",
            "Plan",
            FieldType::Select,
            &["Free", "Pro", "Enterprise"],
            vec![],
        ),
        field("region", "Region", FieldType::Text, &[], vec![]),
        field("seats", "Seats", FieldType::Number, &[], vec![]),
        field("vip", "VIP customer", FieldType::Checkbox, &[], vec![]),
        field(
            "affected_areas",
            "Affected areas",
            FieldType::MultiSelect,
            &["API", "Dashboard", "Mobile app", "Exports", "SSO"],
            vec![],
        ),
        field(
            "renewal_date",
            "Renewal date",
            FieldType::Date,
            &[],
            inbox_named(inboxes, "Billing"),
        ),
        field(
            "incident_started_at",
            "Incident started",
            FieldType::DateTime,
            &[],
            inbox_named(inboxes, "Security"),
        ),
        field(
            "deal_size",
            "Deal size (EUR)",
            FieldType::Number,
            &[],
            inbox_named(inboxes, "Sales"),
        ),
    ]
}

/// Customer text is untrusted: about 1 ticket in 100 carries one of these,
/// so the demo shows (and tests exercise) sanitizing on realistic data.
const HOSTILE_SUBJECTS: &[&str] = &[
    "\u{1b}[31mURGENT\u{1b}[0m: invoice overdue",
    "Invoice attached: \u{202e}fdp.exe",
    "Refund please\r\nBcc: everyone@example.com",
    "Zero\u{200b}width\u{feff} joiners in my name",
    "\u{9b}2J did my screen just clear?",
    "Tab\tseparated\tsubject\u{7}",
];

const REGIONS: &[&str] = &["EU", "US-East", "US-West", "APAC", "LATAM", "Nordics"];

fn field_value<R: Rng + ?Sized>(
    rng: &mut R,
    f: &TicketField,
    created: DateTime<Utc>,
) -> Option<FieldValue> {
    // Roughly a quarter of values are left empty.
    if rng.random_bool(0.25) {
        return None;
    }
    Some(match &f.field_type {
        FieldType::Text => FieldValue::Text(pick(rng, REGIONS).to_string()),
        FieldType::Number => {
            if f.field_key == "deal_size" {
                FieldValue::Number(f64::from(rng.random_range(5u32..500) * 100))
            } else {
                FieldValue::Number(f64::from(rng.random_range(1u32..250)))
            }
        }
        FieldType::Checkbox => FieldValue::Checkbox(rng.random_bool(0.2)),
        FieldType::Select => FieldValue::Select(f.options.choose(rng)?.id),
        FieldType::MultiSelect => {
            if f.options.is_empty() {
                return None;
            }
            let n = rng.random_range(1..=f.options.len().min(3));
            let mut ids: Vec<Uuid> = f.options.sample(rng, n).map(|o| o.id).collect();
            ids.sort();
            FieldValue::MultiSelect(ids)
        }
        FieldType::Date => {
            let base: NaiveDate = created.date_naive();
            FieldValue::Date(base + Duration::days(rng.random_range(10..400)))
        }
        FieldType::DateTime => {
            let back = Duration::minutes(rng.random_range(5..3 * 24 * 60));
            FieldValue::DateTime((created - back).with_timezone(&Utc).with_nanosecond_zero())
        }
        FieldType::Other(_) => return None,
    })
}

trait WholeSeconds {
    fn with_nanosecond_zero(self) -> Self;
}

impl WholeSeconds for DateTime<Utc> {
    fn with_nanosecond_zero(self) -> Self {
        DateTime::from_timestamp(self.timestamp(), 0).unwrap_or(self)
    }
}

/// Category weights: open, in_progress, waiting, resolved, closed.
const CATEGORY_WEIGHTS: [(StatusCategory, u32); 5] = [
    (StatusCategory::Open, 22),
    (StatusCategory::InProgress, 20),
    (StatusCategory::Waiting, 16),
    (StatusCategory::Resolved, 24),
    (StatusCategory::Closed, 18),
];

fn weighted_category<R: Rng + ?Sized>(rng: &mut R) -> StatusCategory {
    let total: u32 = CATEGORY_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (c, w) in &CATEGORY_WEIGHTS {
        if roll < *w {
            return c.clone();
        }
        roll -= w;
    }
    StatusCategory::Open
}

pub(super) fn weighted_level<R: Rng + ?Sized>(rng: &mut R) -> PriorityLevel {
    match rng.random_range(0..100) {
        0..25 => PriorityLevel::Low,
        25..75 => PriorityLevel::Normal,
        75..93 => PriorityLevel::High,
        _ => PriorityLevel::Urgent,
    }
}

/// Builds the whole dataset.
pub fn generate(tickets: usize, seed: u64, now: DateTime<Utc>) -> Dataset {
    let mut rng = StdRng::seed_from_u64(seed);
    let w = Words::shared();
    let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);

    let statuses = catalog_statuses(&mut rng);
    let priorities = catalog_priorities(&mut rng);
    let tags = catalog_tags(&mut rng);
    let inboxes: Vec<Inbox> = lines(include_str!("../../assets/data/inboxes.txt"))
        .into_iter()
        .map(|name| Inbox {
            id: new_id(&mut rng),
            name: name.to_string(),
        })
        .collect();
    let fields = catalog_fields(&mut rng, &inboxes);

    let person = |rng: &mut StdRng, i: usize| {
        let first = w.first_names[i % w.first_names.len().max(1)];
        let last = pick(rng, &w.last_names);
        (first.to_string(), last.to_string())
    };
    let users: Vec<User> = (0..12)
        .map(|i| {
            let (first, last) = person(&mut rng, i);
            let email = format!(
                "{}.{}@helpdesk.example",
                ascii_slug(&first),
                ascii_slug(&last)
            );
            User {
                id: new_id(&mut rng),
                name: format!("{first} {last}"),
                email: Some(email),
            }
        })
        .collect();
    let contact_count = (tickets / 3).clamp(20, 5_000);
    let contacts: Vec<Contact> = (0..contact_count)
        .map(|i| {
            let first = pick(&mut rng, &w.first_names);
            let last = pick(&mut rng, &w.last_names);
            let company = pick(&mut rng, &w.companies);
            Contact {
                id: new_id(&mut rng),
                name: format!("{first} {last}"),
                email: format!(
                    "{}.{}{}@{}.example",
                    ascii_slug(first),
                    ascii_slug(last),
                    i,
                    ascii_slug(company)
                ),
                company: company.to_string(),
            }
        })
        .collect();

    // One shared copy of each name for all the messages it signs, and of
    // each field key for all the tickets that have a value.
    let shared = |name: &str| -> Arc<str> { Arc::from(name) };
    let voices = Arc::new(Voices {
        agents: users.iter().map(|u| shared(&u.name)).collect(),
        contacts: contacts.iter().map(|c| shared(&c.name)).collect(),
    });
    let field_keys: Vec<Arc<str>> = fields.iter().map(|f| shared(&f.field_key)).collect();

    let by_category = |c: &StatusCategory| -> Vec<&Status> {
        statuses.iter().filter(|s| &s.category == c).collect()
    };
    let status_pools: Vec<(StatusCategory, Vec<&Status>)> = StatusCategory::KNOWN
        .iter()
        .map(|c| (c.clone(), by_category(c)))
        .collect();
    let reopen_targets: Vec<Uuid> = by_category(&StatusCategory::Open)
        .iter()
        .map(|s| s.id)
        .collect();

    // Creation times spread over the 90 days before `now`, ascending so that
    // ticket numbers grow with time as in the product.
    let span = 90 * 24 * 3600;
    let mut created: Vec<i64> = (0..tickets).map(|_| rng.random_range(3600..span)).collect();
    created.sort_unstable_by(|a, b| b.cmp(a));

    let mut out = Vec::with_capacity(tickets);
    for (i, ago) in created.into_iter().enumerate() {
        let created_at = now - Duration::seconds(ago);
        let category = weighted_category(&mut rng);
        let status = status_pools
            .iter()
            .find(|(c, _)| *c == category)
            .and_then(|(_, pool)| pool.choose(&mut rng).copied())
            .or_else(|| statuses.first());
        let Some(status) = status else { break };
        let level = weighted_level(&mut rng);
        let priority = priorities
            .iter()
            .find(|p| p.level == level)
            .or_else(|| priorities.first());
        let Some(priority) = priority else { break };
        let inbox = inboxes.choose(&mut rng).map(|i| i.id).unwrap_or_default();
        let assignee = if rng.random_bool(0.15) {
            None
        } else {
            users.choose(&mut rng).map(|u| u.id)
        };
        let contact_at = if rng.random_bool(0.05) || contacts.is_empty() {
            None
        } else {
            Some(rng.random_range(0..contacts.len()))
        };
        let contact = contact_at.map(|i| &contacts[i]);

        let subject_template = match rng.random_range(0..100) {
            0 => pick(&mut rng, HOSTILE_SUBJECTS),
            1..7 => pick(&mut rng, &w.subjects_intl),
            _ => pick(&mut rng, &w.subjects),
        };
        let subject = filled(&mut rng, w, subject_template);
        // Activity runs from creation to the last update.
        let life = (ago - 60).max(60);
        let updated_after_create = rng.random_range(60..=life.max(61));
        // Strictly before `now`: the server's clock starts at `now`, so a
        // ticket changed through the API is always the most recently updated.
        let updated_at =
            (created_at + Duration::seconds(updated_after_create)).min(now - Duration::minutes(1));
        // The opening text is the first message only: a copy in
        // `ServerTicket::body` would be searched twice for no answer that
        // differs.
        let messages = Conversation::Generated(ConversationRecipe {
            voices: voices.clone(),
            seed: rng.random(),
            contact: contact_at.and_then(|i| u32::try_from(i).ok()),
            opened: created_at,
            last: updated_at,
            count: rng.random_range(1..=6),
        });

        let (remind_at, remind_transition_status_id) =
            if category == StatusCategory::Waiting && rng.random_bool(0.7) {
                // Mostly in the future; some already overdue.
                let offset = if rng.random_bool(0.2) {
                    -rng.random_range(3600..5 * 24 * 3600)
                } else {
                    rng.random_range(3600..7 * 24 * 3600)
                };
                (
                    Some(now + Duration::seconds(offset)),
                    reopen_targets.choose(&mut rng).copied(),
                )
            } else {
                (None, None)
            };

        let tag_count = match rng.random_range(0..10) {
            0..3 => 0,
            3..7 => 1,
            7..9 => 2,
            _ => 3,
        };
        let mut tag_ids: Vec<Uuid> = tags.sample(&mut rng, tag_count).map(|t| t.id).collect();
        tag_ids.sort();

        let mut custom_fields = Vec::new();
        for (f, key) in fields.iter().zip(&field_keys) {
            if !f.inbox_ids.is_empty() && !f.inbox_ids.contains(&inbox) {
                continue;
            }
            if let Some(v) = field_value(&mut rng, f, created_at) {
                custom_fields.push((key.clone(), v));
            }
        }
        let custom_fields: FieldValues = custom_fields.into_iter().collect();

        out.push(ServerTicket {
            id: new_id(&mut rng),
            ticket_number: i as i64 + 1,
            subject,
            body: String::new(),
            inbox_id: inbox,
            status_id: status.id,
            priority_id: priority.id,
            assignee_id: assignee,
            contact_id: contact.map(|c| c.id),
            remind_at,
            remind_transition_status_id,
            created_at,
            updated_at,
            tag_ids,
            custom_fields,
            messages,
        });
    }

    Dataset {
        statuses,
        priorities,
        tags,
        inboxes,
        users,
        contacts,
        fields,
        tickets: out,
    }
}

/// Lowercase ASCII for e-mail addresses: accents dropped, others removed.
fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'í' | 'ï' => Some('i'),
            'ó' | 'ö' | 'ø' | 'ô' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ñ' | 'ń' => Some('n'),
            'ł' | 'Ł' => Some('l'),
            'ß' => Some('s'),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap()
    }

    #[test]
    fn same_seed_same_data() {
        let a = generate(50, 7, now());
        let b = generate(50, 7, now());
        assert_eq!(a.tickets, b.tickets);
        let c = generate(50, 8, now());
        assert_ne!(a.tickets[0].id, c.tickets[0].id);
    }

    #[test]
    fn catalog_is_rich_enough() {
        let d = generate(300, 1, now());
        assert!(d.statuses.len() >= 8);
        for c in StatusCategory::KNOWN {
            assert!(d.statuses.iter().any(|s| &s.category == c), "{c}");
        }
        let mut colors: Vec<_> = d.statuses.iter().map(|s| s.color.clone()).collect();
        colors.sort();
        colors.dedup();
        assert_eq!(colors.len(), d.statuses.len());
        assert_eq!(d.priorities.len(), 4);
        assert!(d.tags.len() >= 20);
        assert!(d.inboxes.len() >= 4);
        assert!(d.users.len() >= 10);
        for ty in FieldType::KNOWN {
            assert!(d.fields.iter().any(|f| &f.field_type == ty), "{ty}");
        }
        assert!(d.fields.iter().any(|f| !f.inbox_ids.is_empty()));
    }

    #[test]
    fn tickets_are_plausible() {
        let n = now();
        let d = generate(300, 1, n);
        assert_eq!(d.tickets.len(), 300);
        let unassigned = d.tickets.iter().filter(|t| t.assignee_id.is_none()).count();
        assert!((20..80).contains(&unassigned), "{unassigned}");
        for t in &d.tickets {
            assert!(t.created_at <= t.updated_at && t.updated_at < n);
            assert!(t.created_at >= n - Duration::days(90));
            assert!((1..=6).contains(&t.messages.len()));
            assert!(
                t.messages
                    .to_vec()
                    .windows(2)
                    .all(|m| m[0].created_at <= m[1].created_at)
            );
        }
        let waiting_with_reminder = d
            .tickets
            .iter()
            .filter(|t| t.remind_at.is_some() && t.remind_transition_status_id.is_some())
            .count();
        assert!(waiting_with_reminder > 10);
        assert!(d.tickets.iter().any(|t| !t.subject.is_ascii()));
        assert!(
            d.tickets
                .iter()
                .any(|t| t.subject.chars().any(char::is_control))
        );
        // Scoped fields only on tickets of their inboxes.
        for f in d.fields.iter().filter(|f| !f.inbox_ids.is_empty()) {
            assert!(
                d.tickets
                    .iter()
                    .all(|t| !t.custom_fields.contains_key(&f.field_key)
                        || f.inbox_ids.contains(&t.inbox_id))
            );
        }
        assert!(!fill_has_braces(&d));
    }

    fn fill_has_braces(d: &Dataset) -> bool {
        d.tickets
            .iter()
            .any(|t| t.subject.contains('{') || t.messages.iter().any(|m| m.body.contains('{')))
    }
}
