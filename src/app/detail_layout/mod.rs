//! The detail pane's lines, laid out without a terminal: what `update`
//! measures to know how far the pane scrolls, and what `ui::detail` draws
//! (each piece carries a [`Tone`] the theme turns into a style). One
//! layout for both, so the scroll range is always the drawn one.
//!
//! `lines` lays out the fields, tags, custom fields and conversation.

mod lines;

use std::borrow::Cow;

use ratatui::layout::Rect;

use super::clock::Clock;
use super::detail::{inner_width, is_current, wrap_detail};
use super::state::{DetailPane, State, WrappedDetail};
use crate::model::{PriorityLevel, StatusCategory};
pub use lines::lines;

/// Below this many inner lines the field block is compact (several fields
/// a line) so the conversation starts on the first screen.
pub const COMPACT_BELOW: usize = 24;

/// What a piece of text is, for the theme to color.
#[derive(Debug, Clone, PartialEq)]
pub enum Tone {
    Plain,
    Title,
    Dim,
    Accent,
    Error,
    ColumnHeader,
    /// The status badge, on the status's color.
    Badge {
        color: Option<String>,
        category: StatusCategory,
    },
    Priority {
        color: Option<String>,
        level: PriorityLevel,
    },
    Tag {
        color: Option<String>,
    },
}

/// A run of text in one tone.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece<'w> {
    pub text: Cow<'w, str>,
    pub tone: Tone,
}

impl<'w> Piece<'w> {
    fn new(text: impl Into<Cow<'w, str>>, tone: Tone) -> Piece<'w> {
        Piece {
            text: text.into(),
            tone,
        }
    }

    fn plain(text: impl Into<Cow<'w, str>>) -> Piece<'w> {
        Piece::new(text, Tone::Plain)
    }
}

/// One line: its pieces, and the tone of the line as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailLine<'w> {
    pub pieces: Vec<Piece<'w>>,
    pub tone: Tone,
}

impl<'w> DetailLine<'w> {
    fn styled(text: impl Into<Cow<'w, str>>, tone: Tone) -> DetailLine<'w> {
        DetailLine {
            pieces: vec![Piece::plain(text)],
            tone,
        }
    }

    fn raw(text: impl Into<Cow<'w, str>>) -> DetailLine<'w> {
        DetailLine::styled(text, Tone::Plain)
    }

    fn from(pieces: Vec<Piece<'w>>) -> DetailLine<'w> {
        DetailLine {
            pieces,
            tone: Tone::Plain,
        }
    }
}

/// The pane's lines: laid-out ones, and runs of wrapped text borrowed
/// from [`WrappedDetail`] that become lines only when scrolled into view
/// (a long conversation is thousands of lines, a frame shows a screenful).
#[derive(Default)]
pub struct Content<'w> {
    chunks: Vec<Chunk<'w>>,
    len: usize,
}

enum Chunk<'w> {
    Line(DetailLine<'w>),
    Text(&'w [String]),
}

impl<'w> Content<'w> {
    fn push(&mut self, line: DetailLine<'w>) {
        self.len += 1;
        self.chunks.push(Chunk::Line(line));
    }

    fn text(&mut self, lines: &'w [String]) {
        self.len += lines.len();
        self.chunks.push(Chunk::Text(lines));
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Lines `first..first + height`.
    pub fn window(self, first: usize, height: usize) -> Vec<DetailLine<'w>> {
        let mut skip = first;
        let mut shown = Vec::with_capacity(height);
        for chunk in self.chunks {
            if shown.len() == height {
                break;
            }
            match chunk {
                Chunk::Line(_) if skip > 0 => skip -= 1,
                Chunk::Line(line) => shown.push(line),
                Chunk::Text(text) if skip >= text.len() => skip -= text.len(),
                Chunk::Text(text) => {
                    let room = height - shown.len();
                    shown.extend(
                        text[skip..]
                            .iter()
                            .take(room)
                            .map(|l| DetailLine::raw(l.as_str())),
                    );
                    skip = 0;
                }
            }
        }
        shown
    }
}

impl<'w> Extend<DetailLine<'w>> for Content<'w> {
    fn extend<I: IntoIterator<Item = DetailLine<'w>>>(&mut self, lines: I) {
        for line in lines {
            self.push(line);
        }
    }
}

/// The wrapped text of the pane at this width: `update`'s, made once per
/// change; made here only for a state that did not pass through it (or a
/// pane whose width it did not foresee).
pub fn wrapped_for(pane: &DetailPane, inner_w: usize) -> Cow<'_, WrappedDetail> {
    match &pane.wrapped {
        Some(w) if is_current(w, pane, inner_w) => Cow::Borrowed(w),
        _ => Cow::Owned(wrap_detail(pane, inner_w)),
    }
}

/// Rows inside the pane's border.
pub fn inner_height(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2))
}

/// How far the open detail scrolls in `area` at `clock`: its lines beyond
/// the rows inside the border. Pure, so the key handler knows the end of
/// the pane without asking the last frame.
pub fn max_scroll(state: &State, area: Rect, clock: &Clock) -> usize {
    let Some(pane) = &state.detail else {
        return 0;
    };
    let (inner_w, inner_h) = (inner_width(area), inner_height(area));
    let wrapped = wrapped_for(pane, inner_w);
    let content = lines(
        state,
        pane,
        &wrapped,
        clock.wall,
        inner_w,
        inner_h < COMPACT_BELOW,
    );
    content.len().saturating_sub(inner_h)
}
