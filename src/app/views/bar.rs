//! The views bar's geometry and labels, shared by drawing (`ui::views_bar`)
//! and clicks (`update`), so a click lands on the view it was drawn for.

use crate::text::cells;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use tokio::time::Instant;

use super::super::msg::Effect;
use super::super::state::State;
use super::ViewEntry;
use crate::text::sanitize;

/// Names are shortened down to this many cells before the row is cut.
pub const MIN_NAME: usize = 6;

/// The count as the bar shows it: a number, "…" while the first one
/// loads, "!" when it failed, "·" before anything was asked.
pub fn count_label(entry: &ViewEntry) -> String {
    let c = &entry.count;
    match (c.total, &c.failed, c.pending) {
        (_, Some(_), None) => "!".into(),
        (Some(n), _, _) => n.to_string(),
        (None, _, Some(_)) => "…".into(),
        (None, _, None) => "·".into(),
    }
}

/// "3 new" for a polled view with news since the agent last looked.
pub fn new_label(entry: &ViewEntry) -> Option<String> {
    entry
        .count
        .new
        .filter(|n| *n > 0)
        .map(|n| format!("+{n} new"))
}

/// The open view's "3 new": its rows marked new (see `app::news`), not
/// the background count, which the list on screen knows better.
pub fn open_new_label(state: &State) -> Option<String> {
    let n = state.news.count(&state.list.query_key());
    (n > 0).then(|| format!("+{n} new"))
}

/// One view in the bar, sanitized, with where it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub index: usize,
    pub key: Option<String>,
    pub name: String,
    pub count: String,
    pub new: Option<String>,
    pub active: bool,
    /// First column (relative to the bar) and width, separator excluded.
    pub x: usize,
    pub width: usize,
}

/// " key name count new " at a name width of `name_w`.
fn segment_width(
    key: &Option<String>,
    name: &str,
    count: &str,
    new: &Option<String>,
    name_w: usize,
) -> usize {
    let key = key.as_ref().map_or(0, |k| cells::width(k) + 1);
    let new = new.as_ref().map_or(0, |n| cells::width(n) + 1);
    1 + key + name_w.min(cells::width(name)) + 1 + cells::width(count) + new + 1
}

/// The segments for a bar `width` cells wide, and the name width they use:
/// the longest names give way first, so every view keeps its key.
pub fn layout(state: &State, width: usize) -> (Vec<Segment>, usize) {
    let mut segments: Vec<Segment> = state
        .views
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| Segment {
            index: i,
            key: state.views.key_label(i).map(|k| sanitize(&k).into_owned()),
            name: sanitize(e.name()).into_owned(),
            count: count_label(e),
            new: if state.views.active == Some(i) {
                open_new_label(state)
            } else {
                new_label(e)
            },
            active: state.views.active == Some(i),
            x: 0,
            width: 0,
        })
        .collect();
    let modified = super::is_modified(state);
    let total = |name_w: usize| -> usize {
        segments
            .iter()
            .map(|s| {
                let star = usize::from(s.active && modified);
                segment_width(&s.key, &s.name, &s.count, &s.new, name_w) + star + 1
            })
            .sum()
    };
    let longest = segments
        .iter()
        .map(|s| cells::width(&s.name))
        .max()
        .unwrap_or(0);
    let mut name_w = longest;
    while name_w > MIN_NAME && total(name_w) > width {
        name_w -= 1;
    }
    let mut x = 0;
    for s in &mut segments {
        let star = usize::from(s.active && modified);
        s.x = x;
        s.width = segment_width(&s.key, &s.name, &s.count, &s.new, name_w) + star;
        x += s.width + 1; // the separator
    }
    (segments, name_w)
}

/// A left click on the bar opens the view under it. True when consumed.
pub fn on_mouse(state: &mut State, ev: &MouseEvent, now: Instant, fx: &mut Vec<Effect>) -> bool {
    let Some(bar) = state.areas().views_bar else {
        return false;
    };
    let inside = ev.row >= bar.y
        && ev.row < bar.y + bar.height
        && ev.column >= bar.x
        && ev.column < bar.x + bar.width;
    if !inside {
        return false;
    }
    if ev.kind != MouseEventKind::Down(MouseButton::Left) {
        return true; // the bar does not scroll
    }
    let col = usize::from(ev.column - bar.x);
    let (segments, _) = layout(state, usize::from(bar.width));
    if let Some(s) = segments.iter().find(|s| col >= s.x && col < s.x + s.width) {
        state.notice = None;
        super::open(state, s.index, now, fx);
    }
    true
}
