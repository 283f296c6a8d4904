//! rcdk's own debris: a change set this run created and did not execute,
//! and the `REVIEW_IN_PROGRESS` stack its CREATE change set brought into
//! being. Declining a change set, a change set that failed, and Ctrl-C before
//! execution remove them; when that fails or is interrupted, the report names
//! exactly what is left and the commands that remove it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::change_set::is_computing;
use crate::aws::{Aws, ChangeSetId};
use crate::failure::Failure;

/// How long cleanup waits for a change set CloudFormation is still computing
/// (it cannot be deleted before).
pub const COMPUTING_WAIT: Duration = Duration::from_secs(60);

/// A change set (and maybe a stack) this run created.
#[derive(Clone)]
pub struct Leftover {
    /// The stack name.
    pub stack: String,
    /// The change set name (known before CreateChangeSet is sent).
    pub change_set: String,
    /// The change set's ARN and the stack's ID, once CreateChangeSet answered.
    pub id: Option<ChangeSetId>,
    /// Whether the stack did not exist before this change set (CREATE type):
    /// then the `REVIEW_IN_PROGRESS` stack is rcdk's too.
    pub created_stack: bool,
    /// The session that created it.
    pub aws: Arc<Aws>,
}

impl Leftover {
    fn change_set_ref(&self) -> &str {
        self.id.as_ref().map_or(self.change_set.as_str(), |id| id.arn.as_str())
    }

    /// What is left, in words.
    pub fn describe(&self) -> String {
        let mut s = format!("change set {} of stack `{}`", self.change_set, self.stack);
        if self.created_stack {
            s.push_str(&format!(" and the REVIEW_IN_PROGRESS stack `{}` it created", self.stack));
        }
        s.push_str(&format!(" ({})", self.aws.endpoint()));
        s
    }

    /// The commands that remove it by hand.
    pub fn commands(&self) -> Vec<String> {
        let mut common = format!(" --region {}", self.aws.region());
        if !self.aws.endpoint().starts_with("AWS") {
            common.push_str(&format!(" --endpoint-url {}", self.aws.endpoint()));
        }
        let mut out = vec![format!(
            "aws cloudformation delete-change-set --stack-name {} --change-set-name {}{common}",
            self.stack,
            self.change_set_ref()
        )];
        if self.created_stack {
            out.push(format!("aws cloudformation delete-stack --stack-name {}{common}", self.stack));
        }
        out
    }

    /// Removes it: waits while CloudFormation still computes the change set,
    /// deletes the change set, then the stack if this run created it and it
    /// is still `REVIEW_IN_PROGRESS`. Returns what was removed.
    pub async fn remove(&self) -> Result<String, Failure> {
        let aws = &self.aws;
        let start = Instant::now();
        let mut removed = Vec::new();
        loop {
            match aws.change_set_status(&self.stack, self.change_set_ref()).await? {
                None => break,
                Some(status) if is_computing(&status) && start.elapsed() < COMPUTING_WAIT => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Some(_) => {
                    aws.delete_change_set(&self.stack, self.change_set_ref()).await?;
                    removed.push(format!("change set {}", self.change_set));
                    break;
                }
            }
        }
        if self.created_stack {
            let id = self.id.as_ref().map_or(self.stack.as_str(), |id| id.stack_id.as_str());
            if let Some(stack) = aws.describe_stack(id).await? {
                if stack.status == "REVIEW_IN_PROGRESS" {
                    aws.delete_stack(&self.stack, &stack.id, None).await?;
                    removed.push(format!("the REVIEW_IN_PROGRESS stack `{}`", self.stack));
                }
            }
        }
        Ok(if removed.is_empty() {
            "nothing was left".to_owned()
        } else {
            format!("deleted {}", removed.join(" and "))
        })
    }
}

/// The leftovers of a run, registered before each CreateChangeSet and
/// forgotten once the change set is executed or kept on purpose.
#[derive(Default)]
pub struct Debris {
    items: Mutex<Vec<Leftover>>,
}

impl Debris {
    /// Registers a change set about to be created.
    pub fn add(&self, leftover: Leftover) {
        if let Ok(mut items) = self.items.lock() {
            items.push(leftover);
        }
    }

    /// Records CreateChangeSet's answer for `stack`.
    pub fn created(&self, stack: &str, id: &ChangeSetId) {
        if let Ok(mut items) = self.items.lock() {
            if let Some(l) = items.iter_mut().find(|l| l.stack == stack) {
                l.id = Some(id.clone());
            }
        }
    }

    /// Takes `stack`'s entry: it was executed, kept for review, or is being removed.
    pub fn take(&self, stack: &str) -> Option<Leftover> {
        let mut items = self.items.lock().ok()?;
        let i = items.iter().position(|l| l.stack == stack)?;
        Some(items.remove(i))
    }

    /// Takes every entry.
    pub fn take_all(&self) -> Vec<Leftover> {
        self.items.lock().map(|mut items| std::mem::take(&mut *items)).unwrap_or_default()
    }
}

/// Removes `stack`'s leftover now; on failure the returned text says what is
/// left and how to remove it.
pub async fn remove(debris: &Debris, stack: &str) -> Result<String, String> {
    let Some(leftover) = debris.take(stack) else { return Ok("nothing was left".to_owned()) };
    leftover.remove().await.map_err(|f| left_behind(&[(leftover, Some(f.message))]))
}

/// "left behind: ...; remove with: ..." for leftovers that could not be removed.
pub fn left_behind(items: &[(Leftover, Option<String>)]) -> String {
    let mut out = String::from("left behind:");
    for (l, why) in items {
        out.push_str(&format!("\n  {}", l.describe()));
        if let Some(why) = why {
            out.push_str(&format!(" (cleanup failed: {why})"));
        }
    }
    out.push_str("\nremove with:");
    for (l, _) in items {
        for c in l.commands() {
            out.push_str(&format!("\n  {c}"));
        }
    }
    out
}

/// After Ctrl-C: removes every leftover (a second Ctrl-C stops that, as
/// does [`COMPUTING_WAIT`] plus half a minute per item) and returns what was
/// removed and, when something is left, the report of it.
pub async fn after_interrupt(debris: &Debris) -> (Vec<String>, Option<String>) {
    let items = debris.take_all();
    let mut done = Vec::new();
    let mut failed: Vec<(Leftover, Option<String>)> = Vec::new();
    let mut stopped = false;
    for l in items {
        if stopped {
            failed.push((l, Some("cleanup interrupted".to_owned())));
            continue;
        }
        tokio::select! {
            r = l.remove() => match r {
                Ok(what) => done.push(format!("{}: {what}", l.stack)),
                Err(f) => failed.push((l, Some(f.message))),
            },
            _ = tokio::signal::ctrl_c() => {
                stopped = true;
                failed.push((l, Some("cleanup interrupted".to_owned())));
            }
            _ = tokio::time::sleep(COMPUTING_WAIT + Duration::from_secs(30)) => {
                failed.push((l, Some("cleanup timed out".to_owned())));
            }
        }
    }
    let leftover = (!failed.is_empty()).then(|| left_behind(&failed));
    (done, leftover)
}
