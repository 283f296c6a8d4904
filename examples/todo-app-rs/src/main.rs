//! Writes the to-do app's cloud assembly into `$RCDK_OUTDIR`; run it through
//! rcdk: `rcdk synth --app "cargo run -q -p todo-app-rs"`.

fn main() {
    rcdk_app::emit_or_exit(todo_app_rs::app());
}
