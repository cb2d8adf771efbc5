//! The names catalog (agents, inboxes, tags, fields) loaded in the
//! background, and its answers.

use super::gate::gate;
use super::msg::Effect;
use super::state::NamesStatus;
use super::state::State;

/// Asks for the missing parts of the names catalog, once, if the gate is
/// open and no load is on its way.
pub(super) fn load_names(state: &mut State, fx: &mut Vec<Effect>) {
    if state.names_status != NamesStatus::Incomplete || state.rate_limit.is_some() {
        return;
    }
    state.names_gen += 1;
    state.names_status = NamesStatus::Loading(state.names_gen);
    fx.push(Effect::LoadNames {
        generation: state.names_gen,
    });
}

pub(super) fn on_names(
    state: &mut State,
    generation: u64,
    loaded: Option<super::source::NamesLoaded>,
) {
    if state.names_status != NamesStatus::Loading(generation) {
        return; // an older load's answer
    }
    let Some(loaded) = loaded else {
        state.names_status = NamesStatus::Complete;
        return;
    };
    state.names = loaded.names;
    state.names_status = if loaded.incomplete {
        NamesStatus::Incomplete
    } else {
        NamesStatus::Complete
    };
    if let Some(at) = loaded.retry_at {
        // The rest waits for the window to end, like any request.
        gate(state, at, None);
    }
}
