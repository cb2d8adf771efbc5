//! The `?` overlay's layout, generated from the keymap so it cannot drift:
//! keys under their section headings, in as many columns as the screen
//! holds, descriptions wrapped (never cut) where a column is narrower than
//! they are, scrolled with the movement keys when even that is not enough.

use std::borrow::Cow;

use ratatui::layout::Rect;

use super::state::State;
use crate::text::cells::{width, wrap};
use crate::text::sanitize;

/// Narrowest description room a column may leave before another column is
/// not worth it (descriptions wrap to fit it).
const MIN_DESC: usize = 24;

/// What the help lists under "Also": input that is no action of the keymap.
/// `docs/keys.md` lists them too.
pub const ALSO: &[(&str, &str)] = &[
    ("(detail open)", "movement keys scroll the detail"),
    ("Ctrl-z", "suspend to the shell (fg to come back)"),
    ("wheel / click", "scroll / select a row"),
];

/// The heading of the keys that come from the config file rather than the
/// keymap: see [`your_keys`].
pub const YOUR_KEYS: &str = "Your keys";

/// Keys the config file adds beside the keymap, as (key, what it does), for
/// the "Your keys" section: saved views and macros with a `key` of their
/// own. A feature that adds keys of its own (commands, canned replies)
/// adds one `extend` here, and `?` lists them with the rest; labels are
/// sanitized when drawn, like every config text.
pub fn your_keys(state: &State) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = Vec::new();
    keys.extend(state.views.entries.iter().filter_map(|e| {
        let key = e.key?;
        Some((key.to_string(), format!("view: {}", e.view.name)))
    }));
    keys.extend(state.macros.iter().filter_map(|m| {
        let key = m.key?;
        Some((key.to_string(), format!("macro: {}", m.name())))
    }));
    keys.extend(state.replies.iter().filter_map(|r| {
        let key = r.key?;
        Some((key.to_string(), format!("reply: {}", r.name())))
    }));
    keys.extend(state.commands.iter().filter_map(|c| {
        let key = c.key?;
        Some((key.to_string(), format!("command: {}", c.name())))
    }));
    keys
}

/// One entry of the overlay, before it is laid out in lines.
enum Row {
    Heading(Cow<'static, str>),
    Key(String, Cow<'static, str>),
}

/// One drawn line of a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    Heading(String),
    /// A key and the first line of what it does.
    Key(String, String),
    /// More of the description above, under its first line.
    More(String),
}

/// Where everything of the overlay goes on a `screen`: measured here, from
/// the keymap and the screen alone, so `update` knows how far help scrolls
/// without asking the last frame.
pub struct HelpLayout {
    /// The lines of each column, left to right.
    pub columns: Vec<Vec<HelpLine>>,
    pub key_w: usize,
    pub col_w: usize,
    /// Lines in the tallest column.
    pub col_h: usize,
    pub area: Rect,
    /// Lines inside the border.
    pub inner_h: usize,
    pub max_scroll: usize,
}

fn rows(state: &State) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for (section, keys) in state.keymap.help_sections(&state.hidden_actions()) {
        rows.push(Row::Heading(section.into()));
        // Key labels come from the config file: sanitized like server text.
        rows.extend(
            keys.into_iter()
                .map(|(k, d)| Row::Key(sanitize(&k).into_owned(), d.into())),
        );
    }
    let yours = your_keys(state);
    if !yours.is_empty() {
        rows.push(Row::Heading(YOUR_KEYS.into()));
        rows.extend(
            yours.into_iter().map(|(k, d)| {
                Row::Key(sanitize(&k).into_owned(), sanitize(&d).into_owned().into())
            }),
        );
    }
    rows.push(Row::Heading("Also".into()));
    for (k, d) in ALSO {
        rows.push(Row::Key((*k).into(), (*d).into()));
    }
    rows
}

/// The lines of one row in a column leaving `desc_w` cells to descriptions.
fn row_lines(row: &Row, desc_w: usize) -> Vec<HelpLine> {
    match row {
        Row::Heading(h) => vec![HelpLine::Heading(h.to_string())],
        Row::Key(k, d) => {
            let mut parts = wrap(d, desc_w.max(1)).into_iter();
            let first = parts.next().unwrap_or_default();
            std::iter::once(HelpLine::Key(k.clone(), first))
                .chain(parts.map(HelpLine::More))
                .collect()
        }
    }
}

pub fn help_layout(state: &State, screen: Rect) -> HelpLayout {
    let rows = rows(state);
    let key_w = rows
        .iter()
        .map(|r| match r {
            Row::Key(k, _) => width(k),
            Row::Heading(_) => 0,
        })
        .max()
        .unwrap_or(0);
    let full_desc = rows
        .iter()
        .map(|r| match r {
            Row::Key(_, d) => width(d),
            Row::Heading(h) => width(h),
        })
        .max()
        .unwrap_or(0);
    let avail_w = usize::from(screen.width.saturating_sub(2));
    let avail_h = usize::from(screen.height.saturating_sub(2)).max(1);
    // A column is " key  description ": the key column, two spaces, the
    // description and a space on each side.
    let frame_w = key_w + 4;
    let col_full = frame_w + full_desc;
    let max_cols = (avail_w / (frame_w + MIN_DESC.min(full_desc)).max(1)).max(1);
    // The fewest columns that show everything at once; else as many as fit,
    // which scroll least.
    let mut best = None;
    for cols in 1..=max_cols {
        let col_w = col_full.min(avail_w / cols);
        let lines: Vec<Vec<HelpLine>> = rows
            .iter()
            .map(|r| row_lines(r, col_w.saturating_sub(frame_w)))
            .collect();
        let columns = split_columns(lines, cols);
        let col_h = columns.iter().map(Vec::len).max().unwrap_or(0);
        let fits = col_h <= avail_h;
        best = Some((columns, col_w, col_h));
        if fits {
            break;
        }
    }
    let (columns, col_w, col_h) = best.unwrap_or_default();
    let cols = columns.len().max(1);
    let w = (col_w * cols + 2).min(usize::from(screen.width)) as u16;
    let h = (col_h + 2).min(usize::from(screen.height)) as u16;
    let area = Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    );
    let inner_h = usize::from(h.saturating_sub(2));
    HelpLayout {
        columns,
        key_w,
        col_w,
        col_h,
        area,
        inner_h,
        max_scroll: col_h.saturating_sub(inner_h),
    }
}

/// Splits the rows' lines into `cols` columns of about equal height, a row
/// never split between columns and a heading never left at the foot of a
/// column with its keys in the next.
fn split_columns(rows: Vec<Vec<HelpLine>>, cols: usize) -> Vec<Vec<HelpLine>> {
    let total: usize = rows.iter().map(Vec::len).sum();
    let target = total.div_ceil(cols.max(1));
    let mut out: Vec<Vec<HelpLine>> = vec![Vec::new()];
    let mut rows = rows.into_iter().peekable();
    while let Some(row) = rows.next() {
        let column = out.last_mut().expect("one column at least");
        let is_heading = matches!(row.first(), Some(HelpLine::Heading(_)));
        // A heading needs its first key under it in the same column.
        let need = row.len()
            + if is_heading {
                rows.peek().map_or(0, Vec::len)
            } else {
                0
            };
        if !column.is_empty() && column.len() + need > target && out.len() < cols {
            out.push(Vec::new());
        }
        out.last_mut().expect("one column at least").extend(row);
    }
    out
}
