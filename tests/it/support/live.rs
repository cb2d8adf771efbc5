//! The whole app on a test screen against the local server, as the tests
//! that check the server's data after each key drive it: keys in, screen
//! text out, and waits for a condition on either side with a deadline
//! (never a fixed sleep).

use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use triage::server::{Dataset, ServerHandle};

use super::headless::Keys;
use super::ui_fixtures::SharedScreen;

/// How long a wait may take before the test fails, saying what it was for.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The running loop (`support::headless::spawn_loop`) and its screen.
pub struct Ui {
    pub screen: SharedScreen,
    pub keys: Keys,
    pub task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Ui {
    pub fn key(&self, code: KeyCode) {
        let _ = self
            .keys
            .send(Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    }

    /// Each character of `text` as a key.
    pub fn keys(&self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Waits until the screen's text satisfies `pred`; returns that text.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let text = self.screen.text();
            if pred(&text) {
                return text;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// `q`, and the loop ends without an error.
    pub async fn quit(self) {
        self.key(KeyCode::Char('q'));
        self.task.await.unwrap().unwrap();
    }
}

/// Waits until the server's data satisfies `pred`.
pub async fn server_shows(handle: &ServerHandle, what: &str, pred: impl Fn(&Dataset) -> bool) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !handle.with_data(&pred) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for the server: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
