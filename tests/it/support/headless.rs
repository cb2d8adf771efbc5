//! The whole loop (`drive`) on a shared test screen, keys sent in through a
//! channel.

use std::io;

use crossterm::event::Event;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use triage::app::{State, TicketSource};
use triage::runtime::drive;
use triage::ui::{ColorMode, Theme};

use super::ui_fixtures::SharedScreen;

/// Where the test sends the loop its input.
pub type Keys = mpsc::UnboundedSender<io::Result<Event>>;

/// Starts the loop on `screen` without colors; it runs until a key quits it.
pub fn spawn_loop<S>(
    state: State,
    source: S,
    screen: &SharedScreen,
) -> (Keys, JoinHandle<anyhow::Result<()>>)
where
    S: TicketSource + Send + Sync + 'static,
{
    let (keys, rx) = mpsc::unbounded_channel::<io::Result<Event>>();
    let events = Box::pin(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|e| (e, rx))
    }));
    let mut loop_screen = screen.clone();
    let task = tokio::spawn(async move {
        drive(
            state,
            source,
            &mut loop_screen,
            events,
            Theme::new(ColorMode::NoColor),
            std::future::pending(),
        )
        .await
    });
    (keys, task)
}
