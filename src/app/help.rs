//! The `?` overlay's layout, generated from the keymap so it cannot drift:
//! keys under their section headings, in as many columns as the screen
//! holds, scrolled with the movement keys when even that is not enough.

use std::ops::Range;

use ratatui::layout::Rect;

use super::state::State;
use crate::text::cells::width;
use crate::text::sanitize;

/// Narrowest description worth a column of its own.
const MIN_DESC: usize = 34;

/// What the help lists under "Also": input that is no action of the keymap.
/// `docs/keys.md` lists them too.
pub const ALSO: &[(&str, &str)] = &[
    ("(detail open)", "movement keys scroll the detail"),
    ("Ctrl-z", "suspend to the shell (fg to come back)"),
    ("wheel / click", "scroll / select a row"),
];

/// One line of the overlay.
pub enum Row {
    Heading(&'static str),
    Key(String, &'static str),
}

/// Where everything of the overlay goes on a `screen`: measured here, from
/// the keymap and the screen alone, so `update` knows how far help scrolls
/// without asking the last frame.
pub struct HelpLayout {
    pub rows: Vec<Row>,
    /// Rows of each column, left to right.
    pub columns: Vec<Range<usize>>,
    pub key_w: usize,
    pub col_w: usize,
    /// Rows in the tallest column.
    pub col_h: usize,
    pub area: Rect,
    /// Rows inside the border.
    pub inner_h: usize,
    pub max_scroll: usize,
}

pub fn help_layout(state: &State, screen: Rect) -> HelpLayout {
    let mut rows: Vec<Row> = Vec::new();
    for (section, keys) in state.keymap.help_sections(&state.hidden_actions()) {
        rows.push(Row::Heading(section));
        // Key labels come from the config file: sanitized like server text.
        rows.extend(
            keys.into_iter()
                .map(|(k, d)| Row::Key(sanitize(&k).into_owned(), d)),
        );
    }
    rows.push(Row::Heading("Also"));
    for (k, d) in ALSO {
        rows.push(Row::Key((*k).into(), d));
    }

    let key_w = rows
        .iter()
        .map(|r| match r {
            Row::Key(k, _) => width(k),
            Row::Heading(_) => 0,
        })
        .max()
        .unwrap_or(0);
    let desc_w = rows
        .iter()
        .map(|r| match r {
            Row::Key(_, d) => width(d),
            Row::Heading(h) => width(h),
        })
        .max()
        .unwrap_or(0);
    let avail_w = usize::from(screen.width.saturating_sub(2));
    let avail_h = usize::from(screen.height.saturating_sub(2)).max(1);
    // One column: " key  description "; more only when each keeps a
    // readable description.
    let col_full = key_w + desc_w + 4;
    let col_min = key_w + MIN_DESC.min(desc_w) + 4;
    let max_cols = (avail_w / col_min.max(1)).max(1);
    let cols = rows.len().div_ceil(avail_h).clamp(1, max_cols);
    let splits = split_columns(&rows, cols);
    let col_h = splits.iter().map(|c| c.len()).max().unwrap_or(0);
    let col_w = col_full.min(avail_w / cols);
    let w = (col_w * cols + 2).min(usize::from(screen.width)) as u16;
    let h = (col_h + 2).min(usize::from(screen.height)) as u16;
    let area = Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    );
    let inner_h = usize::from(h.saturating_sub(2));
    let columns = splits
        .iter()
        .scan(0, |start, c| {
            let range = *start..*start + c.len();
            *start = range.end;
            Some(range)
        })
        .collect();
    HelpLayout {
        rows,
        columns,
        key_w,
        col_w,
        col_h,
        area,
        inner_h,
        max_scroll: col_h.saturating_sub(inner_h),
    }
}

/// Splits rows into `cols` columns of about equal height, never leaving a
/// heading at the foot of a column with its keys in the next.
fn split_columns(rows: &[Row], cols: usize) -> Vec<&[Row]> {
    let target = rows.len().div_ceil(cols.max(1));
    let mut out = Vec::new();
    let mut rest = rows;
    while !rest.is_empty() {
        if out.len() + 1 == cols {
            out.push(rest);
            break;
        }
        let mut cut = target.min(rest.len());
        // Move a trailing heading to the next column, and start a column at
        // a heading when one is just below the cut.
        if cut < rest.len() && matches!(rest[cut - 1], Row::Heading(_)) {
            cut -= 1;
        } else if cut + 1 < rest.len() && matches!(rest[cut + 1], Row::Heading(_)) {
            cut += 1;
        }
        let cut = cut.max(1);
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out
}
