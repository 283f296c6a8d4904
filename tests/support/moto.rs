//! A real `moto_server` for deploy tests: started from the pinned `.venv` on a
//! free 127.0.0.1 port, waited for until it answers HTTP, killed on drop.
//! The SDK reaches it through `AWS_ENDPOINT_URL` and fake credentials.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{text, venv_tool};

/// A running moto_server; killed when dropped.
pub struct Moto {
    child: Child,
    port: u16,
    log: PathBuf,
    /// The images [`Moto::push_image`] put: (region, repository, tag).
    pushed: std::sync::Mutex<Vec<(String, String, String)>>,
}

/// The environment every AWS-calling test uses: fake credentials, no
/// profile files, no instance metadata lookups.
pub const FAKE_AWS_ENV: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
    ("AWS_CONFIG_FILE", "/nonexistent/rcdk-test-aws-config"),
    ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/rcdk-test-aws-credentials"),
];

impl Moto {
    /// Starts moto_server and waits (up to 60 s) until it answers.
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// Starts moto_server with extra environment variables, e.g.
    /// `INITIAL_NO_AUTH_ACTION_COUNT=0` to make it check credentials.
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let log = std::env::temp_dir().join(format!("rcdk-moto-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("moto log file");
        let child = Command::new(venv_tool("moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log handle"))
            .stderr(log_file)
            .spawn()
            .expect("moto_server starts");
        let mut moto = Moto { child, port, log, pushed: Default::default() };
        let start = Instant::now();
        while !moto.answers() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited with {status}: {}", std::fs::read_to_string(&moto.log).unwrap_or_default());
            }
            assert!(start.elapsed() < Duration::from_secs(60), "moto_server did not answer on port {port} within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    fn answers(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else { return false };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        if s.write_all(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
            return false;
        }
        let mut buf = [0u8; 12];
        matches!(s.read(&mut buf), Ok(n) if n >= 12 && buf.starts_with(b"HTTP/"))
    }

    /// The endpoint URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Puts the fake credentials and `AWS_ENDPOINT_URL` on a command.
    pub fn configure(&self, cmd: &mut Command) {
        // The deploy tests are about deploying: the approval gate has its own
        // (tests/deploy_approval.rs), which sets the flag explicitly.
        cmd.envs(FAKE_AWS_ENV.iter().copied())
            .env("RCDK_REQUIRE_APPROVAL", "never")
            .env("AWS_ENDPOINT_URL", self.url())
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION");
    }

    /// Runs the `rcdk` binary in `dir` against this moto_server (stdin is
    /// not a terminal).
    pub fn rcdk(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rcdk"));
        cmd.current_dir(dir).args(args).env("NO_COLOR", "1").stdin(Stdio::null());
        self.configure(&mut cmd);
        cmd.output().expect("the rcdk binary runs")
    }

    /// The whole life of an app on moto: `deploy --yes` creates every stack
    /// (exit 0), a second deploy reports no changes (exit 0), `destroy --yes`
    /// deletes each stack (exit 0). `stacks` are the app's stack names.
    pub fn deploy_app(&self, app: &Path, stacks: &[&str]) {
        let dir = super::root();
        let app = app.to_str().expect("utf-8 path");
        let out = self.rcdk(&dir, &["deploy", app, "--yes"]);
        let (o, e) = text(&out);
        assert_eq!(out.status.code(), Some(0), "first deploy of {app}:\n{o}\n{e}\n{}", self.log());
        for s in stacks {
            assert!(
                o.contains(&format!("{s}: CREATE_COMPLETE")) || o.contains(&format!("{s}: UPDATE_COMPLETE")),
                "{s} created:\n{o}"
            );
        }
        let out = self.rcdk(&dir, &["deploy", app, "--yes"]);
        let (o, e) = text(&out);
        assert_eq!(out.status.code(), Some(0), "second deploy of {app}:\n{o}\n{e}");
        for s in stacks {
            assert!(o.contains(&format!("{s}: no changes")), "{s} unchanged:\n{o}");
        }
        for s in stacks.iter().rev() {
            self.destroy(&dir, app, s);
        }
    }

    /// The first deploy of an app that builds its own images, as the README
    /// tells it: `deploy` is refused (`ecr:image-in-new-repository`),
    /// `deploy --stage repositories` creates the repositories, the `images`
    /// (`(repository, tag)`) are pushed, then [`Moto::deploy_app`].
    pub fn deploy_app_with_images(&self, app: &Path, stacks: &[&str], region: &str, images: &[(&str, &str)]) {
        let dir = super::root();
        let app_text = app.to_str().expect("utf-8 path");
        let out = self.rcdk(&dir, &["deploy", app_text, "--yes"]);
        let (o, e) = text(&out);
        assert_eq!(out.status.code(), Some(1), "refused before the repositories exist:\n{o}\n{e}");
        assert!(e.contains("[ecr:image-in-new-repository]"), "{e}");
        let out = self.rcdk(&dir, &["deploy", app_text, "--stage", "repositories", "--yes"]);
        let (o, e) = text(&out);
        assert_eq!(out.status.code(), Some(0), "--stage repositories:\n{o}\n{e}\n{}", self.log());
        for (repository, tag) in images {
            self.push_image(region, repository, tag);
        }
        self.deploy_app(app, stacks);
    }

    /// A copy of the app file `app` in `dir` without the stacks' `tags:`,
    /// for apps whose alarm topic is encrypted with a key of their own.
    ///
    /// moto 5.2.5 gap, not ours: it passes a CloudFormation `AWS::KMS::Key`'s
    /// `Tags` (`Key`/`Value`) to its KMS backend, which wants
    /// `TagKey`/`TagValue`, so a tagged key is never created and the topic's
    /// `Fn::GetAtt` on it fails the execution ("instance of Fn::GetAtt
    /// references undefined resource"). Stack tags reach every taggable
    /// resource, the key included, hence the copy without them. Real
    /// CloudFormation takes the file as it is. The context beside the app
    /// (`rcdk.context.json`) is copied too. Panics when no stack has tags,
    /// so a test that stops needing this says so.
    pub fn without_stack_tags(app: &Path, dir: &Path) -> PathBuf {
        let text = std::fs::read_to_string(app).expect("read app file");
        let mut doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("app file is YAML");
        let mut removed = 0;
        for stack in doc.get_mut("stacks").and_then(|s| s.as_sequence_mut()).expect("stacks") {
            if let Some(map) = stack.as_mapping_mut() {
                removed += usize::from(map.remove("tags").is_some());
            }
        }
        assert!(removed > 0, "{}: no stack has tags any more; deploy the file itself", app.display());
        std::fs::create_dir_all(dir).expect("create directory");
        let copy = dir.join(app.file_name().expect("a file name"));
        std::fs::write(&copy, serde_yaml::to_string(&doc).expect("YAML")).expect("write app copy");
        // The AMI pins beside the app go with it, so the copy deploys the
        // releases the committed templates pin.
        let context = app.with_file_name("rcdk.context.json");
        if context.is_file() {
            std::fs::copy(&context, dir.join("rcdk.context.json")).expect("copy the context");
        }
        copy
    }

    /// `rcdk destroy APP --stack NAME --yes`, then checks the stack is gone.
    ///
    /// moto 5.2.5 limit: it has no CloudFormation delete for route tables,
    /// routes or VPC gateway attachments, so deleting a stack with a VPC fails
    /// with `DependencyViolation` (exit 1, AWS's message shown) although moto
    /// has already dropped the stack record. Both outcomes are checked; either
    /// way the stack must no longer exist afterwards.
    ///
    /// The images this test pushed are deleted first (see
    /// [`Moto::delete_pushed_images`]).
    pub fn destroy(&self, dir: &Path, app: &str, stack: &str) {
        self.delete_pushed_images();
        let out = self.rcdk(dir, &["destroy", app, "--stack", stack, "--yes"]);
        let (o, e) = text(&out);
        match out.status.code() {
            Some(0) => assert!(o.contains(&format!("{stack}: DELETE_COMPLETE")), "{stack} deleted:\n{o}"),
            Some(1) => assert!(
                e.contains(&format!("error: deleting stack `{stack}`: The vpc vpc-"))
                    && e.contains("has dependencies and cannot be deleted. (DependencyViolation)"),
                "only moto's known VPC DependencyViolation is tolerated:\n{o}\n{e}"
            ),
            code => panic!("destroy {stack} exited {code:?}:\n{o}\n{e}"),
        }
        let out = self.rcdk(dir, &["destroy", app, "--stack", stack, "--yes"]);
        let (o, e) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
        assert!(o.contains(&format!("stack {stack} does not exist in http://127.0.0.1:")), "{stack} is gone:\n{o}");
    }

    /// One AWS JSON-protocol call (`X-Amz-Target`) to moto in `region`,
    /// unsigned but with a credential scope naming the service, which is how
    /// moto routes requests. Returns the response body parsed as JSON (null
    /// for an empty body); panics on an error status.
    pub fn call(&self, service: &str, region: &str, target: &str, body: &serde_json::Value) -> serde_json::Value {
        let (status, body) = self.request("POST", "/", service, region, Some((target, body.to_string())));
        assert!(status.contains(" 200 "), "{target}: {status}\n{body}");
        if body.trim().is_empty() {
            return serde_json::Value::Null;
        }
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{target}: {e}: {body}"))
    }

    /// One Query-protocol call (`Action=...&...` form post) to moto in
    /// `region`: (status line, XML body).
    pub fn query(&self, service: &str, region: &str, form: &str) -> (String, String) {
        self.request("POST", "/", service, region, Some(("", form.to_owned())))
    }

    /// A raw HTTP/1.0 request to moto: (status line, body). With `body`
    /// `(target, text)`: a JSON-protocol call when `target` is not empty,
    /// else a form post.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        service: &str,
        region: &str,
        body: Option<(&str, String)>,
    ) -> (String, String) {
        let addr = self.url().trim_start_matches("http://").to_owned();
        let mut s = TcpStream::connect(&addr).expect("moto answers");
        s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=testing/20250101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0"
        );
        let mut head = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\nAuthorization: {auth}\r\n");
        let payload = match body {
            Some((target, body)) => {
                if target.is_empty() {
                    head.push_str("Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n");
                } else {
                    head.push_str(&format!("X-Amz-Target: {target}\r\nContent-Type: application/x-amz-json-1.1\r\n"));
                }
                head.push_str(&format!("Content-Length: {}\r\n", body.len()));
                body
            }
            None => String::new(),
        };
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).and_then(|()| s.write_all(payload.as_bytes())).expect("request written");
        let mut response = String::new();
        s.read_to_string(&mut response).expect("response read");
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        (head.lines().next().unwrap_or_default().to_owned(), body.to_owned())
    }

    /// The physical ID of the resource of type `ty` in `stack` (moto's
    /// default account), from ListStackResources.
    pub fn physical_id(&self, region: &str, stack: &str, ty: &str) -> String {
        let form = format!("Action=ListStackResources&Version=2010-05-15&StackName={stack}");
        let (_, body) = self.query("cloudformation", region, &form);
        let member = body
            .split("<member>")
            .find(|m| m.contains(&format!("<ResourceType>{ty}</ResourceType>")))
            .unwrap_or_else(|| panic!("no {ty} in {stack}: {body}"));
        let start = member.find("<PhysicalResourceId>").expect("a physical ID") + "<PhysicalResourceId>".len();
        let end = member.find("</PhysicalResourceId>").expect("its end");
        member[start..end].to_owned()
    }

    /// "Pushes" an image: ECR PutImage of a minimal manifest under `tag`,
    /// which is all ECR's DescribeImages (and rcdk's image check) look at.
    pub fn push_image(&self, region: &str, repository: &str, tag: &str) {
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                       "digest": format!("sha256:{:0>64}", repository.len() + tag.len())},
            "layers": []
        });
        self.call(
            "ecr",
            region,
            "AmazonEC2ContainerRegistry_V20150921.PutImage",
            &serde_json::json!({"repositoryName": repository, "imageManifest": manifest.to_string(), "imageTag": tag}),
        );
        self.pushed.lock().expect("pushed images").push((region.into(), repository.into(), tag.into()));
    }

    /// Deletes the images [`Moto::push_image`] put, before a stack with
    /// their repositories is deleted.
    ///
    /// moto 5.2.5 gap, not ours: it does not know `DeletionPolicy:
    /// RetainExceptOnCreate` and deletes the stack's ECR repositories, which
    /// fails while they hold images (`RepositoryNotEmptyException`); AWS keeps
    /// them, and rcdk's destroy lists them as kept.
    pub fn delete_pushed_images(&self) {
        let pushed = std::mem::take(&mut *self.pushed.lock().expect("pushed images"));
        for (region, repository, tag) in pushed {
            self.call(
                "ecr",
                &region,
                "AmazonEC2ContainerRegistry_V20150921.BatchDeleteImage",
                &serde_json::json!({"repositoryName": repository, "imageIds": [{"imageTag": tag}]}),
            );
        }
    }

    /// moto_server's own log (which resources it skipped, requests).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}
