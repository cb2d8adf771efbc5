//! What the draft filter sends: the request line shown at the panel's
//! foot, and which pane a parameter named by a 400 belongs to.

use chrono::{DateTime, Utc};

use super::dates::DateSlot;
use super::pane::PaneKind;
use crate::api::Catalog;
use crate::filter::{FilterError, Resolver, TicketFilter};

/// `GET /tickets?status=open%2Cwaiting&page=1&per_page=50`: the path
/// (relative to the base URL) and the query string exactly as the client
/// encodes it. The key travels in a header and is never part of it.
pub fn request_line(
    filter: &TicketFilter,
    resolver: &dyn Resolver,
    now: DateTime<Utc>,
    per_page: u64,
) -> Result<String, FilterError> {
    let pairs = filter.to_query_pairs(resolver, now)?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        query.append_pair(k, v);
    }
    query.append_pair("page", "1");
    query.append_pair("per_page", &per_page.to_string());
    Ok(format!("GET /tickets?{}", query.finish()))
}

/// Why the draft cannot be sent, in one line: a name the catalog could not
/// load (a 429, a timeout) is not an unknown name, and says so.
pub fn why_not_sent(e: &FilterError, catalog: Option<&Catalog>) -> String {
    let text = match catalog.and_then(|c| c.unresolved_cause(e)) {
        Some((endpoint, cause)) => format!("{e}, but {endpoint} failed: {cause}"),
        None => e.to_string(),
    };
    crate::text::sanitize(&text).into_owned()
}

/// Where in the panel a query parameter is edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamPlace {
    Pane(PaneKind),
    Date(DateSlot),
    Field(String),
}

impl ParamPlace {
    /// The place of a parameter the server named; `None` for parameters
    /// the panel does not edit (`query`, `sort`, `page`, ...).
    pub fn of(param: &str) -> Option<ParamPlace> {
        // However the server spelled it (`custom_fields[plan]`,
        // `custom_fields.plan`, `q`): the filter line reads it the same way.
        let param = crate::app::filter_tokens::normalized_param(param);
        let param = param.as_str();
        if let Some(key) = param.strip_prefix("custom_field_") {
            return Some(ParamPlace::Field(key.to_string()));
        }
        if let Some(slot) = DateSlot::from_param(param) {
            return Some(ParamPlace::Date(slot));
        }
        let pane = match param {
            "status" => PaneKind::Status,
            "priority" => PaneKind::Priority,
            "assignee_id" => PaneKind::Assignee,
            "inbox_id" => PaneKind::Inbox,
            "tag_ids" => PaneKind::Tags,
            _ => return None,
        };
        Some(ParamPlace::Pane(pane))
    }

    pub fn pane(&self) -> PaneKind {
        match self {
            ParamPlace::Pane(p) => *p,
            ParamPlace::Date(_) => PaneKind::Dates,
            ParamPlace::Field(_) => PaneKind::Fields,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{Aliases, EntityRef, FieldValue};
    use crate::model::StatusCategory;
    use uuid::Uuid;

    #[test]
    fn the_request_line_is_encoded_like_the_client_and_keyless() {
        let mut a = Aliases::default();
        a.tags.insert("vip".into(), Uuid::from_u128(2));
        let mut f = TicketFilter {
            statuses: vec![StatusCategory::Open, StatusCategory::Waiting],
            tags: vec![EntityRef::Name("vip".into())],
            ..TicketFilter::default()
        };
        f.set_field("region", Some(FieldValue::Empty));
        let line = request_line(
            &f,
            &a,
            chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
            50,
        )
        .unwrap();
        assert_eq!(
            line,
            format!(
                "GET /tickets?status=open%2Cwaiting&tag_ids={}&custom_field_region=__empty__&page=1&per_page=50",
                Uuid::from_u128(2)
            )
        );
        let unknown = TicketFilter {
            tags: vec![EntityRef::Name("nope".into())],
            ..TicketFilter::default()
        };
        assert!(
            request_line(
                &unknown,
                &a,
                chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
                50
            )
            .is_err()
        );
    }

    #[test]
    fn parameters_lead_back_to_their_pane() {
        assert_eq!(
            ParamPlace::of("tag_ids"),
            Some(ParamPlace::Pane(PaneKind::Tags))
        );
        assert_eq!(
            ParamPlace::of("updated_before"),
            Some(ParamPlace::Date(DateSlot::UpdatedBefore))
        );
        assert_eq!(
            ParamPlace::of("custom_field_plan").map(|p| p.pane()),
            Some(PaneKind::Fields)
        );
        assert_eq!(
            ParamPlace::of("custom_fields[plan]"),
            Some(ParamPlace::Field("plan".into()))
        );
        assert_eq!(
            ParamPlace::of("custom_fields.plan"),
            Some(ParamPlace::Field("plan".into()))
        );
        assert_eq!(ParamPlace::of("query"), None);
        assert_eq!(ParamPlace::of("q"), None);
    }
}
