//! The vocabulary every layer shares: status categories, priority levels,
//! custom-field types and message authors as the API spells them, and colors. `api` decodes them,
//! `filter` builds queries from them, `app` and `ui` show them; this module
//! depends on none of those, so the arrows go one way.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::{MAX_SHORT_TEXT_BYTES, cap_text};

macro_rules! category_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant,)+
            /// A value this client does not know yet: shown, never an error.
            Other(String),
        }

        impl $name {
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(s) => s,
                }
            }

            /// Parses a wire value; anything unknown becomes `Other`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }

            /// Parses a known wire value only.
            pub fn parse_known(s: &str) -> Option<Self> {
                match Self::from_wire(s) {
                    $name::Other(_) => None,
                    known => Some(known),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // An unknown value is kept as `Other`: capped like any
                // short string.
                let v = serde_json::Value::deserialize(d)?;
                Ok(match v {
                    serde_json::Value::String(s) => $name::from_wire(&cap_text(s, MAX_SHORT_TEXT_BYTES)),
                    serde_json::Value::Null => $name::Other(String::new()),
                    other => $name::Other(cap_text(other.to_string(), MAX_SHORT_TEXT_BYTES)),
                })
            }
        }
    };
}

category_enum!(
    /// Semantic status category of a ticket.
    StatusCategory {
        Open => "open",
        InProgress => "in_progress",
        Waiting => "waiting",
        Resolved => "resolved",
        Closed => "closed",
    }
);

category_enum!(
    /// Semantic priority level. Ordered low < normal < high < urgent.
    PriorityLevel {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
);

impl PriorityLevel {
    /// Rank for sorting: unknown levels sort below `low`.
    pub fn rank(&self) -> u8 {
        match self {
            PriorityLevel::Other(_) => 0,
            PriorityLevel::Low => 1,
            PriorityLevel::Normal => 2,
            PriorityLevel::High => 3,
            PriorityLevel::Urgent => 4,
        }
    }
}

category_enum!(
    /// Type of a custom ticket field.
    FieldType {
        Text => "text",
        Number => "number",
        Checkbox => "checkbox",
        Select => "select",
        MultiSelect => "multi_select",
        Date => "date",
        DateTime => "date_time",
    }
);

category_enum!(
    /// Who wrote a message.
    AuthorType {
        Agent => "agent",
        Contact => "contact",
        Note => "note",
    }
);

/// What an agent writes on a ticket (`POST /tickets/{id}/messages`): an
/// internal note, seen by agents only, or a reply the customer receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    Note,
    Reply,
}

impl MessageKind {
    /// As the API and the drafts' file names spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Note => "note",
            MessageKind::Reply => "reply",
        }
    }

    pub fn from_wire(s: &str) -> Option<MessageKind> {
        match s {
            "note" => Some(MessageKind::Note),
            "reply" => Some(MessageKind::Reply),
            _ => None,
        }
    }
}

/// A color as 8-bit channels: workspace colors, theme slots and what the
/// config writes share it (drawing and contrast are `ui::color`'s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const BLACK: Rgb = Rgb(0, 0, 0);
pub const WHITE: Rgb = Rgb(255, 255, 255);

/// Parses `#rrggbb` or `#rgb` (the `#` optional, surrounding space allowed).
pub fn parse_hex(s: &str) -> Option<Rgb> {
    let hex = s.trim();
    let hex = hex.strip_prefix('#').unwrap_or(hex);
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok();
    match hex.len() {
        6 => Some(Rgb(
            u8::from_str_radix(&hex[0..2], 16).ok()?,
            u8::from_str_radix(&hex[2..4], 16).ok()?,
            u8::from_str_radix(&hex[4..6], 16).ok()?,
        )),
        3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
        _ => None,
    }
}
