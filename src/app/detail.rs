//! The detail pane: opening it, its two requests, its answers, its
//! scrolling keys, and its text wrapped once per change.

use ratatui::layout::Rect;

use super::clock::Clock;
use super::gate::gate;
use super::keymap::Action;
use super::msg::Effect;
use super::source::FetchError;
use super::state::{
    Conversation, DetailPane, ErrorView, Loadable, MESSAGES_PER_PAGE, State, Waiting, WrappedDetail,
};
use crate::text::cells::wrap;
use crate::text::{sanitize, sanitize_multiline};

/// Wraps the detail's subject and conversation again when what they were
/// wrapped from, or the pane's width, changed since: once per change, not
/// once per frame.
pub(super) fn rewrap_detail(state: &mut State) {
    let Some(area) = state.areas().detail else {
        return;
    };
    let width = inner_width(area);
    let Some(d) = state.detail.as_mut() else {
        return;
    };
    if !d.wrapped.as_ref().is_some_and(|w| is_current(w, d, width)) {
        d.wrapped = Some(wrap_detail(d, width));
    }
}

/// Turns a detail-pane answer into what the pane shows; `None` when it
/// belongs to a detail that is no longer open. A 429 gates everything.
pub(super) fn part_loaded<T>(
    state: &mut State,
    generation: u64,
    result: Result<T, FetchError>,
) -> Option<Loadable<T>> {
    let current = state
        .detail
        .as_ref()
        .filter(|d| d.generation == generation)
        .map(|d| d.ticket.id);
    if let Err(FetchError::RateLimited { retry_at }) = &result {
        gate(state, *retry_at, current.map(Waiting::Detail));
    }
    current?;
    Some(match result {
        Ok(v) => Loadable::Loaded(v),
        Err(FetchError::RateLimited { .. }) => Loadable::Waiting,
        Err(FetchError::NotSupported) => Loadable::NotSupported,
        Err(e) => Loadable::Failed(ErrorView::from_fetch(&e)),
    })
}

pub(super) fn detail_loading(state: &State) -> bool {
    state.detail.as_ref().is_some_and(|d| {
        matches!(d.detail, Loadable::Loading) || matches!(d.messages, Loadable::Loading)
    })
}

/// Keys while the detail pane is open: movement scrolls the pane. Returns
/// false for actions that keep their list meaning.
pub(super) fn on_detail_key(
    state: &mut State,
    action: Action,
    clock: &Clock,
    fx: &mut Vec<Effect>,
) -> bool {
    let screen = state
        .areas()
        .detail
        .map_or(1, |r| usize::from(r.height.saturating_sub(2)).max(1));
    let max = max_scroll(state, clock);
    let Some(d) = state.detail.as_mut() else {
        return false;
    };
    let cur = d.scroll.min(max);
    d.scroll = match action {
        Action::MoveDown => (cur + 1).min(max),
        Action::MoveUp => cur.saturating_sub(1),
        Action::ScreenDown => (cur + screen).min(max),
        Action::ScreenUp => cur.saturating_sub(screen),
        Action::First => 0,
        Action::Last => max,
        Action::Back => {
            state.detail = None;
            return true;
        }
        Action::OpenDetail => cur,
        _ => return false,
    };
    more_messages_if_near_end(state, max, screen, fx);
    true
}

/// Asks for the conversation's next page when the pane is scrolled to
/// within two screens of the end and the server has more: a long
/// conversation loads as it is read, one page (100 messages) at a time.
pub(super) fn more_messages_if_near_end(
    state: &mut State,
    max: usize,
    screen: usize,
    fx: &mut Vec<Effect>,
) {
    if state.rate_limit.is_some() {
        return;
    }
    let Some(d) = state.detail.as_mut() else {
        return;
    };
    let Loadable::Loaded(conv) = &d.messages else {
        return;
    };
    let more = (conv.messages.len() as u64) < conv.meta.total;
    if !more || d.loading_more || d.scroll + 2 * screen < max {
        return;
    }
    d.loading_more = true;
    fx.push(Effect::FetchMessages {
        generation: d.generation,
        id: d.ticket.id,
        page: conv.meta.page.max(1) + 1,
        per_page: MESSAGES_PER_PAGE,
    });
}

/// A page of the conversation arrived: the first replaces what is shown,
/// a later one (asked by scrolling) is appended to it.
pub(super) fn messages_loaded(
    state: &mut State,
    generation: u64,
    result: Result<(Vec<crate::api::types::Message>, crate::api::types::PageMeta), FetchError>,
) {
    // Which page this answers is what was asked (a later page only while
    // scrolling asked for one, onto a loaded conversation), not what the
    // answer claims: a first page claiming `page: 2` was taken for a later
    // one, found nothing to extend, and left the conversation loading.
    let next_page = state
        .detail
        .as_ref()
        .is_some_and(|d| d.loading_more && matches!(d.messages, Loadable::Loaded(_)));
    let result = result.map(|(messages, mut meta)| {
        if !next_page {
            meta.page = 1;
        }
        Conversation { messages, meta }
    });
    let Some(loadable) = part_loaded(state, generation, result) else {
        return;
    };
    let Some(d) = state.detail.as_mut() else {
        return;
    };
    if next_page {
        d.loading_more = false;
        match (&mut d.messages, loadable) {
            (Loadable::Loaded(conv), Loadable::Loaded(more)) => {
                conv.messages.extend(more.messages);
                conv.meta = more.meta;
            }
            // A later page that failed leaves what is shown; the next
            // scroll asks again.
            _ => return,
        }
    } else {
        d.messages = loadable;
    }
    d.wrapped = None; // made again, for these messages
}

/// How far the open detail scrolls on this screen, measured as it is drawn.
pub(super) fn max_scroll(state: &State, clock: &Clock) -> usize {
    state.areas().detail.map_or(0, |area| {
        super::detail_layout::max_scroll(state, area, clock)
    })
}

pub(super) fn open_detail(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(ticket) = state.selected_ticket().cloned() else {
        return;
    };
    state.detail_gen += 1;
    let id = ticket.id;
    state.news.seen(id);
    state.detail = Some(DetailPane {
        ticket,
        generation: state.detail_gen,
        detail: Loadable::Loading,
        messages: Loadable::Loading,
        scroll: 0,
        wrapped: None,
        loading_more: false,
    });
    request_detail(state, id, fx);
}

pub(super) fn request_detail(state: &mut State, id: uuid::Uuid, fx: &mut Vec<Effect>) {
    let limited = state.rate_limit.is_some();
    let Some(d) = state.detail.as_mut().filter(|d| d.ticket.id == id) else {
        return;
    };
    if limited {
        d.detail = Loadable::Waiting;
        d.messages = Loadable::Waiting;
        if let Some(rl) = state.rate_limit.as_mut()
            && !rl.waiting.contains(&Waiting::Detail(id))
        {
            rl.waiting.push(Waiting::Detail(id));
        }
        return;
    }
    d.detail = Loadable::Loading;
    d.messages = Loadable::Loading;
    d.loading_more = false;
    fx.push(Effect::FetchDetail {
        generation: d.generation,
        id,
    });
    fx.push(Effect::FetchMessages {
        generation: d.generation,
        id,
        page: 1,
        per_page: MESSAGES_PER_PAGE,
    });
    let contact = d.ticket.contact_id;
    let limited = state.rate_limit.is_some();
    state.contacts.want(contact, limited, fx);
}

pub(super) fn copy_number(state: &mut State, fx: &mut Vec<Effect>) {
    if let Some(t) = state.focused_ticket() {
        let text = format!("#{}", t.ticket_number);
        state.say(format!("copied {text}"));
        fx.push(Effect::Copy(text));
    }
}

pub(super) fn open_browser(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(template) = state.web_url.as_ref() else {
        state.say(
            "no web_url in this profile: set web_url = \"https://…/tickets/{number}\" to open tickets"
        );
        return;
    };
    let Some(t) = state.focused_ticket() else {
        return;
    };
    let url = template
        .replace("{number}", &t.ticket_number.to_string())
        .replace("{id}", &t.id.to_string());
    state.say(format!("opening #{}", t.ticket_number));
    fx.push(Effect::OpenUrl(url));
}

/// Cells inside the pane's border: the width its text is wrapped to.
pub fn inner_width(area: Rect) -> usize {
    usize::from(area.width.saturating_sub(2)).max(1)
}

/// Whether `wrapped` was made from this pane's text at this width.
pub fn is_current(wrapped: &WrappedDetail, pane: &DetailPane, width: usize) -> bool {
    let messages = match &pane.messages {
        Loadable::Loaded(conv) => conv.messages.len(),
        _ => 0,
    };
    wrapped.width == width
        && wrapped.subject == pane.ticket.subject
        && wrapped.bodies.len() == messages
}

/// The pane's long text sanitized and wrapped to `width`: the subject, and
/// each message body of a loaded conversation.
pub fn wrap_detail(pane: &DetailPane, width: usize) -> WrappedDetail {
    let bodies = match &pane.messages {
        Loadable::Loaded(conv) => conv
            .messages
            .iter()
            .map(|m| {
                sanitize_multiline(&m.body)
                    .split('\n')
                    .flat_map(|para| wrap(para, width))
                    .collect()
            })
            .collect(),
        _ => Vec::new(),
    };
    WrappedDetail {
        width,
        subject: pane.ticket.subject.clone(),
        subject_lines: wrap(&sanitize(&pane.ticket.subject), width),
        bodies,
    }
}
