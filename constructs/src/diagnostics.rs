//! Every diagnostic code rcdk reports, in one registry, with an explanation
//! (`rcdk explain CODE` prints it; `docs/diagnostics.md` lists them all).
//!
//! # Codes
//!
//! A code is `namespace:name`, both in kebab case, the way the AWS CDK names
//! its annotations. The namespace says where the problem lives:
//!
//! | namespace | what it covers |
//! |---|---|
//! | `acm` | ACM certificates and their Route 53 domain names (`domain:` blocks) |
//! | `app-file` | reading an app file: YAML syntax, fields and types, the file itself |
//! | `app` | the app as a whole: stacks list, multi-region `regions`, the CDN and its origin stacks |
//! | `stack` | a stack's name, account, region, and the dependencies between stacks |
//! | `cfn` | the CloudFormation template: quotas, logical IDs, references, parameters, conditions |
//! | `vpc` | the VPC: CIDR, availability zones, NAT gateways, subnets, network ACLs |
//! | `ec2` | EC2 instances of their own: the bastion host |
//! | `ecs` | the ECS cluster (instances, capacity), task definitions and containers, services |
//! | `service` | the load-balanced service pattern (an entry under `services:`), its canary and database link |
//! | `elbv2` | the Application Load Balancer: listeners, HTTPS and TLS, rules, actions, target groups, health checks |
//! | `autoscaling` | Application Auto Scaling of a service's task count |
//! | `cloudwatch` | CloudWatch alarms |
//! | `logs` | CloudWatch Logs log groups |
//! | `cloudfront` | the CloudFront distribution (CDN) |
//! | `cdn` | the whole-app analysis of a CDN and its origins: protocols, listeners, the origin lock |
//! | `guard` | rule packs (`compliance:`, `rcdk check --rules`): AWS CloudFormation Guard rules evaluated on the templates |
//! | `net` | the whole-app analysis of traffic paths: security groups, network ACLs, routes, listeners, targets |
//! | `region` | what must belong to the stack's region: certificates, availability zones |
//! | `rds` | the RDS database |
//! | `dynamodb` | DynamoDB tables |
//! | `ecr` | ECR repositories |
//! | `s3` | S3 buckets |
//! | `sns` | SNS topics and subscriptions |
//!
//! Codes are stable: scripts and tests match on them. When a code is
//! renamed, its entry keeps the old spelling in [`Diagnostic::formerly`], and
//! [`lookup`] finds the entry by either.
//!
//! # Adding a code
//!
//! Add one [`Diagnostic`] to [`DIAGNOSTICS`], in code order (a test checks
//! the order), with a title of one line and an explanation that says what
//! the problem means, why rcdk refuses it (the AWS limit or behaviour), and
//! how to fix it. `tests/diagnostics_registry.rs` fails for a code the
//! sources use that has no entry, and for an entry nothing uses; regenerate
//! `docs/diagnostics.md` with `rcdk explain --list --format markdown`.

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops synthesis: nothing is written, the command exits 2. Found by
    /// `rcdk deploy`/`destroy` (codes whose title says "deploy time"): the
    /// stack is refused before anything changes, exit 1.
    Error,
    /// Reported, and synthesis (or the deploy) goes on.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One diagnostic code and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Diagnostic {
    /// The code, `namespace:name`, e.g. `vpc:cidr-invalid`.
    pub code: &'static str,
    /// Earlier spellings of the code, still found by [`lookup`].
    pub formerly: &'static [&'static str],
    /// Whether it stops synthesis.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub title: &'static str,
    /// What it means, why rcdk refuses it, and how to fix it (Markdown).
    pub explanation: &'static str,
}

impl Diagnostic {
    /// The namespace of the code (`vpc` for `vpc:cidr-invalid`).
    pub fn namespace(&self) -> &'static str {
        self.code.split_once(':').map_or(self.code, |(ns, _)| ns)
    }
}

/// Finds a diagnostic by its code or by one of its former codes.
pub fn lookup(code: &str) -> Option<&'static Diagnostic> {
    let code = code.trim();
    DIAGNOSTICS
        .binary_search_by(|d| d.code.cmp(code))
        .ok()
        .map(|i| &DIAGNOSTICS[i])
        .or_else(|| DIAGNOSTICS.iter().find(|d| d.formerly.contains(&code)))
}

const fn error(
    code: &'static str,
    formerly: &'static [&'static str],
    title: &'static str,
    explanation: &'static str,
) -> Diagnostic {
    Diagnostic { code, formerly, severity: Severity::Error, title, explanation }
}

const fn warning(
    code: &'static str,
    formerly: &'static [&'static str],
    title: &'static str,
    explanation: &'static str,
) -> Diagnostic {
    Diagnostic { code, formerly, severity: Severity::Warning, title, explanation }
}

/// Every diagnostic, sorted by code.
pub static DIAGNOSTICS: &[Diagnostic] = &[
    // ---- acm ----
    error(
        "acm:domain-name-duplicate",
        &["acm-domain-name-duplicate"],
        "a domain name is listed twice",
        "Each name of a certificate (and of the DNS records rcdk creates for it) is listed once; names \
         are compared without regard to case. Remove the duplicate.",
    ),
    error(
        "acm:domain-name-invalid",
        &["acm-domain-name-invalid"],
        "a domain name is not a fully qualified domain name",
        "ACM certificates and Route 53 records take fully qualified names: at most 253 characters, \
         labels of 1 to 63 letters, digits and hyphens separated by dots, e.g. `api.example.com` (a \
         leading `*.` for a wildcard). No scheme, port or path.",
    ),
    error(
        "acm:hosted-zone-id-invalid",
        &["acm-hosted-zone-id-invalid"],
        "the hosted zone ID is not a Route 53 hosted zone ID",
        "rcdk validates the certificate by DNS and creates the alias records in this Route 53 hosted \
         zone, named by its ID: `Z` followed by upper-case letters and digits, as `aws route53 \
         list-hosted-zones-by-name` prints it, without the `/hostedzone/` prefix.\n\n\
         ```yaml\ndomain: {name: www.example.com, hosted_zone_id: Z0123456789ABCDEFGHIJ}\n```",
    ),
    error(
        "app-file:alias-budget",
        &["app-file-alias-budget"],
        "aliases expand to more values than rcdk reads",
        "YAML aliases (`*name`) repeat the value of an anchor (`&name`). A small file can expand to gigabytes that way (the \"billion laughs\"), so rcdk stops once aliases have expanded to more than its budget (see README, Limits). Write the repeated values out, or share less through aliases.",
    ),
    error(
        "app-file:alias-recursive",
        &["yaml-alias-recursive"],
        "an alias inside the value it refers to",
        "A YAML alias that refers to the anchor it is nested in would be an infinite value. Write the value out.",
    ),
    error(
        "app-file:complex-key",
        &["yaml-complex-key"],
        "a key that is not a plain string",
        "App-file keys are plain strings; YAML also allows lists, maps or aliases as keys, which no app-file field takes.",
    ),
    warning(
        "app-file:deprecated-spelling",
        &[],
        "an enum value in a deprecated spelling",
        "Enum values in app files are lower case (`protocol: https`, `traffic_type: reject`, \
         `price_class: price_class_100`). Earlier spellings (`HTTPS`, `REJECT`, `PriceClass_100`) are still \
         accepted as aliases and synthesize the same template, but each is reported with the spelling to \
         write instead; a future release will stop accepting them. `--deny-warnings` turns this into an \
         error, so CI can keep old spellings out. The JSON Schema (`rcdk schema`) lists only the current \
         spellings, so an editor underlines the old ones too.",
    ),
    error(
        "app-file:duplicate-key",
        &["yaml-duplicate-key"],
        "the same key twice in one map",
        "YAML parsers keep only one of two equal keys, silently dropping the other (a whole service, an environment variable). rcdk refuses the file and names both places; keep one.",
    ),
    error(
        "app-file:encoding",
        &["app-file-encoding"],
        "the app file is not UTF-8 text",
        "App files are YAML in UTF-8. The offset in the message is the first byte that is not valid UTF-8; re-save the file as UTF-8.",
    ),
    error(
        "app-file:not-regular",
        &["app-file-not-regular"],
        "the app file is not a regular file",
        "rcdk reads app files only from regular files: a directory, a FIFO, a device such as /dev/zero or a socket could block or never end. Pass the path of the app file itself.",
    ),
    error(
        "app-file:null",
        &["yaml-null"],
        "a null value",
        "App files do not accept null (`~`, `null`, or a key with nothing after it): leave the field out to take its default, or quote the text (`\"~\"`) if you mean those characters.",
    ),
    // ---- app-file ----
    error(
        "app-file:schema",
        &["schema"],
        "a field of the app file is unknown, missing, of the wrong type or has an unknown value",
        "The app file is valid YAML, but it does not match the app-file schema: a field name is misspelt \
         (`unknown field`), a required field is missing (every stack needs a `name`), a value has the wrong \
         type (`max_azs: three`), or an enum value is not one rcdk knows. Unknown fields are refused rather \
         than ignored, so a typo never silently drops a setting.\n\n\
         Fix the field at the reported `file:line:column`. Run `rcdk schema` for the JSON Schema of app \
         files, and start the file with\n\n\
         ```yaml\n# yaml-language-server: $schema=../schema/app.schema.json\n```\n\n\
         so your editor completes and checks fields as you type.",
    ),
    error(
        "app-file:tag",
        &["yaml-tag"],
        "a YAML tag such as `!Ref`",
        "App files hold plain values. CloudFormation's short-form tags (`!Ref`, `!GetAtt`, `!Sub`) would be read as plain strings, silently; where a field accepts an intrinsic function, write it long-form: `{Ref: Name}`, `{\"Fn::GetAtt\": [Name, Arn]}`.",
    ),
    error(
        "app-file:too-deep",
        &["app-file-too-deep"],
        "maps and lists are nested too deeply",
        "An app file's structure is a few levels deep; nesting beyond the limit (see README, Limits) is refused before parsing, since deeply nested flow collections make YAML parsers slow. Flatten the value.",
    ),
    error(
        "app-file:too-large",
        &["app-file-too-large"],
        "the app file is larger than rcdk reads",
        "App files are read whole; the size limit (see README, Limits) keeps a stray large file from exhausting memory. Split the app into several app files if it really is this large.",
    ),
    error(
        "app-file:too-many-problems",
        &["app-file-too-many-problems"],
        "reading stopped after many problems",
        "rcdk reports every problem of an app file at once, up to a limit; past it the file is probably not an app file at all. Fix the problems shown and run again.",
    ),
    error(
        "app-file:unreadable",
        &["app-file-unreadable"],
        "the app file cannot be read",
        "rcdk could not open or read the app file: it does not exist, is a directory, is not readable by \
         you, or is not UTF-8 text. The message carries the operating system's reason.\n\n\
         Check the path (it is relative to the current directory) and the file's permissions.",
    ),
    error(
        "app-file:yaml-syntax",
        &["yaml-syntax"],
        "the app file is not valid YAML",
        "The YAML parser stopped at the reported position: usually an indentation that does not line up, \
         a tab used for indentation, a missing `:` after a key, or an unclosed quote or bracket.\n\n\
         ```yaml\nstacks:\n  - name: shop\n    vpc: {}      # keys of one mapping line up under each other\n```\n\n\
         Fix the line shown; the column points at where the parser gave up, which can be just after the \
         real mistake.",
    ),
    // ---- app ----
    error(
        "app:cdn-origin-self",
        &["cdn-origin-self"],
        "a stack is listed as an origin of its own CDN",
        "A CDN stack reads its origins' load balancer names from their outputs, which exist only once \
         those stacks are deployed. A stack therefore cannot be an origin of the CDN it contains: it would \
         depend on itself.\n\n\
         Put the CDN in a stack of its own and name the regional stacks as its `origin_stacks`.",
    ),
    error(
        "app:cdn-origin-stack-unknown",
        &["cdn-origin-stack-unknown"],
        "`origin_stacks` names a stack the app does not have",
        "Each entry of a CDN's `origin_stacks` must be the name of another stack of the same app that has \
         services (and so a load balancer). The message lists the names that would work.\n\n\
         Fix the spelling, or add the stack.",
    ),
    error(
        "app:cdn-origins-invalid",
        &["cdn-origins-invalid"],
        "a CDN needs exactly two origin stacks",
        "rcdk's CDN is a CloudFront distribution with an origin group that fails over from a primary load \
         balancer to a secondary one. CloudFront origin groups hold exactly two origins, so \
         `origin_stacks` must name exactly two stacks: the primary first.\n\n\
         ```yaml\ncdn: {}\norigin_stacks: [shop-eu, shop-us]\n```",
    ),
    error(
        "app:cdn-origins-same",
        &["cdn-origins-same"],
        "the primary and secondary origin are the same stack",
        "Failing over to the origin that just failed protects nothing. The two `origin_stacks` must be \
         different stacks, normally in different regions.",
    ),
    error(
        "app:cdn-origins-with-regions",
        &["cdn-origins-with-regions"],
        "`origin_stacks` is set on a stack that also lists `regions`",
        "With `regions`, rcdk expands the stack into one stack per region and the CDN's origins are those \
         regional stacks, so `origin_stacks` would say the same thing twice (or contradict it).\n\n\
         Remove `origin_stacks`.",
    ),
    error(
        "app:cdn-origins-without-cdn",
        &["cdn-origins-without-cdn"],
        "`origin_stacks` is set, but `cdn` is not",
        "`origin_stacks` only means something for a stack with a CDN. Add a `cdn:` block, or remove \
         `origin_stacks`.",
    ),
    error(
        "app:cdn-regions-invalid",
        &["cdn-regions-invalid"],
        "a CDN over `regions` needs exactly two regions",
        "A CDN with `regions` fails over from the first (primary) region to the second, through a \
         CloudFront origin group, which holds exactly two origins.\n\n\
         ```yaml\nregions: [eu-west-1, us-east-1]\ncdn: {}\n```",
    ),
    error(
        "app:empty",
        &["app-empty"],
        "the app has no stacks",
        "An app file must define at least one stack under `stacks:`; there is nothing to synthesize \
         otherwise.\n\n\
         ```yaml\nstacks:\n  - name: shop\n    vpc: {}\n```",
    ),
    error(
        "app:grant-environment-conflict",
        &[],
        "a grant's environment variable is also set in `environment`",
        "A grant passes the store's generated name to the container as `<NAME>_TABLE` or `<NAME>_BUCKET`. The service's own `environment` sets the same variable, so one of them would be lost. Remove it from `environment`.",
    ),
    error(
        "app:grant-unknown-bucket",
        &[],
        "a grant names a bucket the stack does not have",
        "`grants.buckets` names buckets of the same stack's `buckets:`. Check the spelling, or add the bucket: `buckets: {files: {}}`.",
    ),
    error(
        "app:grant-unknown-table",
        &[],
        "a grant names a table the stack does not have",
        "`grants.tables` names tables of the same stack's `tables:`. Check the spelling, or add the table: `tables: {todos: {partition_key: {name: id}}}`.",
    ),
    error(
        "app:image-repository-unknown",
        &[],
        "an image names a repository the stack does not have",
        "`image: {repository: <name>, tag: <tag>}` (and the canary's) names a repository of the same \
         stack's `repositories:`, so the container runs that repository's URI and the execution role may \
         pull from it. Check the spelling, or add the repository:\n\n\
         ```yaml\nrepositories:\n  todo-main: {}\nservices:\n  main:\n    image: {repository: todo-main, tag: 1.0.3}\n```\n\n\
         An image in another registry is a string: `image: ghcr.io/acme/api:1.4.2`.",
    ),
    error(
        "app:region-conflict",
        &["app-region-conflict"],
        "`region` and `regions` are both set on a stack",
        "`region` deploys one stack to one region; `regions` expands the stack into one copy per region. \
         Keep one of the two.",
    ),
    error(
        "app:region-duplicate",
        &["app-region-duplicate"],
        "a region is listed twice in `regions`",
        "Each region in `regions` becomes a stack named after it, so a region listed twice would define \
         the same stack twice. List each region once; the first is the primary.",
    ),
    error(
        "app:region-override-no-load-balancer",
        &["app-region-override-no-load-balancer"],
        "`region_overrides` sets certificates for a stack with no load balancer",
        "`region_overrides.<region>.certificate_arns` replaces the load balancer's certificates in \
         that region's copy of the stack. The stack has neither `load_balancer:` nor services, so \
         there is no listener to put them on: the override would be silently ignored. Add a load \
         balancer, or remove the override.",
    ),
    error(
        "app:region-override-no-vpc",
        &["app-region-override-no-vpc"],
        "`region_overrides` sets availability zones for a stack with no VPC",
        "`region_overrides.<region>.availability_zones` picks the zones of that region's VPC. The \
         stack has no `vpc:`, so the override would be silently ignored. Add a VPC, or remove the \
         override.",
    ),
    error(
        "app:region-override-service",
        &["app-region-override-service"],
        "`region_overrides` sets the task count of a service the stack does not have",
        "`region_overrides.<region>.desired_counts` is keyed by service name. The name given is not under \
         this stack's `services:`; fix the spelling.\n\n\
         ```yaml\nregion_overrides:\n  us-east-1:\n    desired_counts: {api: 1}\n```",
    ),
    error(
        "app:region-override-unknown",
        &["app-region-override-unknown"],
        "`region_overrides` names a region not in `regions`",
        "An override for a region the stack is not deployed to would never apply, which usually means a \
         typo. List the region under `regions`, or remove the override.",
    ),
    error(
        "app:suppression-no-reason",
        &[],
        "a suppression gives no reason",
        "A `suppress:` entry accepts a finding knowingly: a failed rule of a rule pack (by rule name \
         or control id, e.g. `CT.S3.PR.9`) or a whole-app warning (by code). The reason is what a \
         reviewer reads instead of the finding, and what an auditor asks for, so it is required: an \
         empty or blank reason is refused.\n\n\
         ```yaml\nsuppress:\n  CT.S3.PR.9: \"uploads are replaceable; object lock would keep deleted files for years\"\n```\n\n\
         In Rust, `Stack::suppress(&path, \"CT.S3.PR.9\", \"...\")` takes the same reason.",
    ),
    warning(
        "app:suppression-unused",
        &[],
        "a suppression matches no finding",
        "A `suppress:` entry (or `Stack::suppress` in Rust) names a rule, control id or warning code \
         that no finding of the construct it is written under (and those below it) has: the rule \
         passes now, the name is misspelled, the entry sits under another construct, its `constructs` \
         paths name no construct, or the stack enables no rule pack (`compliance:`). A stale \
         suppression would silently accept a future finding nobody has reviewed; remove it, or correct \
         the name (`rcdk synth` prints each finding's rule name and control id, e.g. \
         `[CT.ECS.PR.3] ecs_task_definition_nonroot_user_check`) or the place it is written. \
         A suppression copied into several stacks (`regions:`, the app's own `suppress:`) is stale \
         only when no copy matches anything.",
    ),
    error(
        "app:too-many-services",
        &["app-too-many-services"],
        "the app has more services than rcdk builds from one app",
        "Each service is about fourteen resources; past the limit (counting one copy per region) the app cannot fit CloudFormation's stack limits anyway and would take long to build. Split the app into several app files.",
    ),
    error(
        "app:too-many-stacks",
        &["app-too-many-stacks"],
        "the app makes more stacks than rcdk builds from one app",
        "Each entry of `stacks:` makes one stack, or one per region with `regions:`. Past the limit, split the app into several app files.",
    ),
    error(
        "app:vpc-missing",
        &["app-vpc-missing"],
        "a stack needs a VPC and has none",
        "Services, a cluster, a bastion host or a database all live in a VPC, and the stack does not \
         define one.\n\n\
         ```yaml\nvpc: {}   # three AZs, one NAT gateway, default CIDR\n```\n\n\
         or a `vpc:` block with your own settings.",
    ),
    // ---- autoscaling ----
    error(
        "autoscaling:max-zero",
        &["scaling-max-zero"],
        "the scaling maximum is 0",
        "Application Auto Scaling keeps the service's task count between `min_capacity` and \
         `max_capacity`; a maximum of 0 would never run a task. Set `max_capacity` to 1 or more.",
    ),
    error(
        "autoscaling:min-above-max",
        &["scaling-min-above-max"],
        "the scaling minimum is above the maximum",
        "Application Auto Scaling rejects a scalable target whose `MinCapacity` is greater than its \
         `MaxCapacity`. Lower `min_capacity` or raise `max_capacity`.\n\n\
         ```yaml\nscaling: {min_capacity: 2, max_capacity: 10, cpu_target_percent: 60}\n```",
    ),
    error(
        "autoscaling:step-scaling-invalid",
        &["step-scaling-invalid"],
        "a step scaling policy is invalid",
        "A step scaling policy needs at least one step in `scale_out` or `scale_in` and at most 20 steps \
         per direction. Each step's `at` is a finite number, in ascending order for scale-out and \
         descending for scale-in; scale-out steps add tasks (positive `change`), scale-in steps remove \
         them (negative), and scale-in starts below the first scale-out step, or the two alarms would \
         fight. The message says which rule is broken and where.\n\n\
         ```yaml\nscaling:\n  min_capacity: 2\n  max_capacity: 10\n  cpu_steps:\n    scale_out: [{at: 70, change: 1}, {at: 90, change: 3}]\n    scale_in: [{at: 30, change: -1}]\n```",
    ),
    error(
        "autoscaling:target-invalid",
        &["scaling-target-invalid"],
        "a target tracking value is not above 0",
        "Target tracking scales to keep a metric (CPU %, memory %, requests per target) at the target \
         value; Application Auto Scaling requires that value to be above 0. Use e.g. `cpu_target_percent: 60`.",
    ),
    // ---- cfn ----
    error(
        "cdn:certificate-region",
        &["cdn-certificate-region"],
        "a CloudFront certificate is not in us-east-1",
        "CloudFront only uses ACM certificates requested or imported in US East (N. Virginia), \
         `us-east-1`, whatever region the rest of the app is in; a certificate ARN of another region \
         fails the distribution's deployment. Request the certificate in us-east-1 and use its ARN.",
    ),
    error(
        "cdn:lock-rule-full",
        &["cdn-lock-rule-full"],
        "a listener rule has no room for the CDN lock's header condition",
        "A load balancer locked to its CDN adds an `http-header` condition (`X-Origin-Verify`) to \
         every listener rule, so that only requests from CloudFront are forwarded. An Application \
         Load Balancer rule holds at most 5 condition values in total; this rule's own conditions \
         already use them all. Use at most 4 path patterns per service behind a locked CDN, or opt \
         out with `cdn.origin_lock: false` (the origin is then reachable without CloudFront).",
    ),
    error(
        "cdn:origin-blocked",
        &["cdn-origin-blocked"],
        "the origin's security groups do not admit CloudFront",
        "CloudFront connects to a load balancer origin from the addresses of its origin-facing \
         managed prefix list (`com.amazonaws.global.cloudfront.origin-facing`). No ingress rule of \
         the load balancer's security groups admits that list, or an address range that contains \
         CloudFront's, on the origin port, so every request through the CDN times out. Leave \
         `ingress_cidrs` unset on a CDN-fronted load balancer (rcdk then admits the prefix list), or \
         add the prefix list to `load_balancer.ingress_prefix_lists`.",
    ),
    warning(
        "cdn:origin-bypass",
        &["cdn-origin-bypass"],
        "a CDN origin is open to the internet, bypassing CloudFront",
        "The load balancer behind the CDN admits `0.0.0.0/0` (or `::/0`) and forwards requests \
         without checking that they came through CloudFront. Anyone who finds its DNS name skips the \
         CDN, its cache and any WAF on it. rcdk locks CDN origins by default (CloudFront's \
         origin-facing prefix list plus a secret `X-Origin-Verify` header the listener rules \
         require); this warning means the lock was turned off with `cdn.origin_lock: false`, or a \
         template was written without one. Remove the opt-out, or restrict the origin yourself.",
    ),
    error(
        "cdn:origin-internal",
        &["cdn-origin-internal"],
        "an internal load balancer is a CloudFront origin",
        "An internal load balancer has only private addresses; CloudFront reaches custom origins over \
         the internet, so every request fails. Make the load balancer internet-facing (and lock it to \
         the CDN), or put the CDN in front of another origin.",
    ),
    error(
        "cdn:origin-no-http-listener",
        &["cdn-origin-no-http-listener"],
        "an HTTP origin's load balancer has no HTTP listener on the origin port",
        "The distribution connects to the origin over HTTP (`origin_protocol: http_only`, or \
         `match_viewer` for HTTP viewers) on a port where the load balancer has no HTTP listener, so \
         CloudFront's connections are refused and viewers get 502. Add the HTTP listener, or send \
         HTTPS to the origin (`origin_protocol: https_only`) when the load balancer has a \
         certificate.",
    ),
    error(
        "cdn:origin-no-https-listener",
        &["cdn-origin-no-https-listener"],
        "an HTTPS origin's load balancer has no HTTPS listener on the origin port",
        "The distribution connects to the origin over HTTPS on a port where the load balancer has no \
         HTTPS listener, so the TLS handshake fails and viewers get 502. Give the load balancer a \
         certificate and an HTTPS listener (`load_balancer.https`), or use `origin_protocol: \
         http_only`.",
    ),
    error(
        "cdn:origin-redirect-loop",
        &["cdn-origin-redirect-loop"],
        "HTTP to an origin whose port 80 redirects to HTTPS: a redirect loop",
        "The distribution fetches from the origin over HTTP, and the load balancer's HTTP listener \
         answers with a redirect to HTTPS. CloudFront passes the redirect to the viewer, who comes \
         back through CloudFront, which fetches over HTTP again: every request loops until the \
         browser gives up. Send HTTPS to the origin (`origin_protocol: https_only`), or stop \
         redirecting port 80.",
    ),
    warning(
        "cdn:origin-secret-cleartext",
        &[],
        "CloudFront sends the secret origin header over plain HTTP",
        "A locked CDN origin admits only requests that carry the secret `X-Origin-Verify` header, which \
         CloudFront adds to every origin request. With `OriginProtocolPolicy: http-only` (rcdk's \
         `origin_protocol: http_only`, the default when the origin load balancers have no certificates), \
         CloudFront connects to the load balancers in plain HTTP across the internet, header included: \
         anyone who reads it on the way can send it themselves and reach the origin around CloudFront \
         and any WAF on it. CloudFront: \
         <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html> \
         (\"configure CloudFront to use HTTPS to communicate with the origin\" to keep the header \
         private).\n\nGive the origin load balancers certificates (`load_balancer.domain`, or per region \
         `region_overrides.<region>.certificate_arns`): the CDN then defaults to `origin_protocol: \
         https_only`. `origin_protocol: http_only` written in the app is reported as a note instead.",
    ),
    error(
        "cdn:prefix-list-unknown",
        &["cdn-prefix-list-unknown"],
        "rcdk does not know CloudFront's origin-facing prefix list in this region",
        "To lock a CDN origin, rcdk admits CloudFront's origin-facing managed prefix list \
         (`com.amazonaws.global.cloudfront.origin-facing`) on the load balancer. Its ID differs per \
         region, and rcdk has no ID for this stack's region (or the region is not set). Set \
         `region:`, or look the ID up with `aws ec2 describe-managed-prefix-lists --filters \
         Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing` and give it as \
         `load_balancer.ingress_prefix_lists`, or opt out with `cdn.origin_lock: false`.",
    ),
    warning(
        "cdn:slow-failover",
        &[],
        "requests wait long for an unreachable primary origin before failing over",
        "CloudFront tries the primary origin of an origin group on every request — it keeps no health \
         state between requests — and fails over only after the connection attempts run out: \"By \
         default, CloudFront tries to connect to the primary origin in an origin group for as long as 30 \
         seconds (3 connection attempts of 10 seconds each) before failing over to the secondary \
         origin\" \
         (<https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html>). \
         With caching off, during a regional outage every request waits that long. rcdk's primary origin \
         gets 1 attempt of 3 s (`origin_connection_attempts`, `origin_connection_timeout_seconds`); the \
         secondary keeps CloudFront's 3 × 10 s. The warning fires when the primary's attempts × timeout \
         exceed 10 s; values written in the app are a choice, reported as a note. The trade-off of a \
         short timeout: a transient connection failure also fails over (to the secondary; write paths \
         without failover get an error).",
    ),
    error(
        "cfn:bad-enum",
        &[],
        "a raw resource or override sets a value outside the allowed values",
        "The CloudFormation resource provider schema of the type lists the values a property accepts \
         (e.g. `LaunchType`: `EC2`, `FARGATE`, `EXTERNAL`), and the value given under `resources:` or \
         `overrides:` is not one of them; `DeletionPolicy` accepts `Delete`, `Retain`, \
         `RetainExceptOnCreate` and `Snapshot`, `UpdateReplacePolicy` the same but `RetainExceptOnCreate` \
         (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html>). \
         CloudFormation would reject it at deploy time. Use one of the listed values (the message suggests \
         the closest).",
    ),
    error(
        "cfn:condition-conflict",
        &["condition-conflict"],
        "a template condition is defined twice, differently",
        "Two constructs in one stack define a CloudFormation condition with the same name but different \
         expressions; a template holds one definition per name. Rename one of the constructs, or make \
         them agree.",
    ),
    error(
        "cfn:logical-id-collision",
        &["logical-id-collision"],
        "two constructs map to the same logical ID",
        "Logical IDs are the PascalCase of construct paths (`api-v2` and `api_v2` both become `ApiV2`), \
         and a template holds each logical ID once. Rename one of the two constructs. Renaming a \
         construct renames (and so replaces) its resources.",
    ),
    error(
        "cfn:logical-id-invalid",
        &["logical-id-invalid"],
        "a logical ID is not valid in CloudFormation",
        "CloudFormation logical IDs are alphanumeric (A-Z, a-z, 0-9) and at most 255 characters. A name \
         in the app produced one that is not; rename the construct (service, stack or other name) with \
         letters, digits and hyphens only, and keep it short.",
    ),
    error(
        "cfn:mapping-conflict",
        &["mapping-conflict"],
        "two constructs add the same mapping with different contents",
        "A template's `Mappings` are shared by every construct of the stack. Adding a mapping under a name \
         that is already taken is allowed only when the contents are the same (e.g. two services sharing the \
         canary weights table); different contents under one name would make one construct read the other's \
         values. Give the mapping a name of its own.",
    ),
    error(
        "cfn:missing-required",
        &[],
        "a raw resource lacks a property its type requires",
        "The CloudFormation resource provider schema of the type marks the property required (at the \
         top level, or inside a nested block), and the raw resource under `resources:` does not set it, \
         or an override deletes it. CloudFormation would fail the resource's creation. Add the property.",
    ),
    error(
        "cfn:override-path-invalid",
        &[],
        "an override path is not a resource attribute",
        "An override sets `Properties.<Name>[.<Key>...]` or one of the resource attributes `DeletionPolicy`, \
         `UpdateReplacePolicy`, `DependsOn`, `Condition`, `Metadata` (the AWS CDK's `addOverride`). Other \
         top-level keys are not part of a CloudFormation resource. Fix the path's first segment.",
    ),
    error(
        "cfn:override-unknown-resource",
        &[],
        "an override names a logical ID the stack does not have",
        "Overrides apply to the resources the constructs rendered and the raw `resources:` of the same \
         stack, by logical ID. Check the ID against the synthesized template (`rcdk synth --stdout`); the \
         message suggests the closest one.",
    ),
    error(
        "cfn:parameter-conflict",
        &["parameter-conflict"],
        "a template parameter is defined twice with different settings",
        "Two constructs in one stack declare a CloudFormation parameter with the same name but a \
         different type, default or description. A template holds one declaration per name; rename one \
         of them, or make them agree.",
    ),
    error(
        "cfn:render-failed",
        &["render-failed"],
        "the template could not be rendered",
        "The template was built but could not be written as YAML or JSON. This is a bug in rcdk, not in \
         your app: please report it with the app file that triggers it.",
    ),
    error(
        "cfn:template-empty",
        &["template-empty"],
        "a stack has no resources",
        "CloudFormation requires every template to declare at least one resource, and this stack would \
         produce none. Give the stack something to create (e.g. `vpc: {}`), or remove it.",
    ),
    error(
        "cfn:template-limit",
        &["template-limit"],
        "a template exceeds a CloudFormation quota",
        "CloudFormation allows at most 500 resources, 200 parameters, 200 outputs and 200 mappings per \
         template, and a template body of at most 1 MB (uploaded through S3; 51,200 bytes inline). rcdk \
         checks these before anything is deployed, because CloudFormation would only reject the stack \
         when creating the change set.\n\n\
         Split the app into more stacks: move services into a second entry under `stacks:`.",
    ),
    error(
        "cfn:template-reference",
        &["template-reference"],
        "a template refers to a resource, parameter or condition it does not define",
        "A `Ref`, `Fn::GetAtt`, `Fn::Sub` or `Condition` names something the template does not contain, \
         so CloudFormation would reject it. This usually comes from a raw property override or escape \
         hatch naming a logical ID that does not exist; check the spelling against the synthesized \
         template.",
    ),
    error(
        "cfn:unknown-property",
        &[],
        "a raw resource or override sets a property its type does not have",
        "The property is not in the type's CloudFormation resource provider schema (vendored from the \
         pinned cfn-lint), at the top level or inside the nested block named; CloudFormation would reject \
         the template (the AWS CDK's escape hatches pass such typos through). Fix the spelling: the \
         message suggests the closest property and lists the known ones.",
    ),
    error(
        "cfn:unknown-type",
        &[],
        "a raw resource's Type is not a CloudFormation resource type",
        "The type is not in the CloudFormation registry schemas vendored from the pinned cfn-lint. Fix the \
         spelling (the message suggests the closest type); custom resources are named `Custom::<Name>` and \
         are not checked.",
    ),
    error(
        "cfn:wrong-type",
        &[],
        "a raw resource or override sets a value of the wrong type",
        "The type's CloudFormation resource provider schema expects a string, integer, number, boolean, \
         list or map there. CloudFormation's own coercions are accepted (`\"5\"` for an integer, `5` for a \
         string); intrinsic functions (`Ref`, `Fn::*`) are accepted anywhere. Give a value of the expected \
         type.",
    ),
    // ---- cloudfront ----
    error(
        "cloudfront:alias-duplicate",
        &["cloudfront-alias-duplicate"],
        "an alias is listed twice",
        "Each alternate domain name (CNAME) of a distribution is listed once. Remove the duplicate.",
    ),
    error(
        "cloudfront:alias-invalid",
        &["cloudfront-alias-invalid"],
        "an alias is not a domain name",
        "CloudFront aliases are lowercase domain names, optionally with one leading wildcard label: \
         `www.example.com`, `*.example.com`. URLs, ports and paths are not aliases.",
    ),
    error(
        "cloudfront:aliases-need-certificate",
        &["cloudfront-aliases-need-certificate"],
        "aliases are set without a certificate",
        "CloudFront serves an alternate domain name only with a certificate that covers it; the default \
         `*.cloudfront.net` certificate does not. Set `certificate_arn` to an ACM certificate in us-east-1 \
         for those names.\n\n\
         ```yaml\ncdn:\n  aliases: [www.example.com]\n  certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/abcd\n```",
    ),
    error(
        "cloudfront:certificate-arn-invalid",
        &["cloudfront-certificate-arn-invalid"],
        "the CDN certificate is not an ACM certificate ARN",
        "CloudFront takes an ACM certificate by its ARN: \
         `arn:aws:acm:us-east-1:<account>:certificate/<id>`.",
    ),
    error(
        "cloudfront:certificate-region",
        &["cloudfront-certificate-region"],
        "the CDN certificate is not in us-east-1",
        "CloudFront only uses ACM certificates requested or imported in US East (N. Virginia), us-east-1, \
         whatever region the rest of the app is in. Request or import the certificate there and use that \
         ARN.",
    ),
    error(
        "cloudfront:comment-too-long",
        &["cloudfront-comment-too-long"],
        "the distribution comment is longer than 128 characters",
        "CloudFront limits a distribution's comment to 128 characters. Shorten `comment`.",
    ),
    error(
        "cloudfront:connection-attempts-invalid",
        &["cloudfront-connection-attempts-invalid"],
        "origin connection attempts are outside 1 to 3",
        "CloudFront tries to connect to an origin 1 to 3 times before failing over (a fixed quota). Use \
         1 to 3 in `origin_connection_attempts`, or leave it out for 3.",
    ),
    error(
        "cloudfront:connection-timeout-invalid",
        &["cloudfront-connection-timeout-invalid"],
        "the origin connection timeout is outside 1 to 10 seconds",
        "CloudFront waits 1 to 10 seconds for a connection to an origin (a fixed quota). Use 1 to 10 in \
         `origin_connection_timeout_seconds`, or leave it out for 10.",
    ),
    error(
        "cloudfront:domain-conflict",
        &["cloudfront-domain-conflict"],
        "`domain` is set together with `certificate_arn` or `aliases`",
        "`domain` makes rcdk create the certificate (in us-east-1), set the names as aliases and add the \
         DNS records; `certificate_arn` and `aliases` are the manual way of doing the same. Keep one: \
         remove `certificate_arn` and `aliases`, or remove `domain`.",
    ),
    error(
        "cloudfront:domain-region",
        &["cloudfront-domain-region"],
        "`domain` on a distribution in a stack outside us-east-1",
        "With `domain`, the distribution's certificate is created in the distribution's stack, and \
         CloudFront only uses ACM certificates from us-east-1. Put the distribution in a stack in \
         us-east-1 (a multi-region app's CDN stack is), or use `certificate_arn` with a certificate \
         created there.",
    ),
    error(
        "cloudfront:failover-codes-invalid",
        &["cloudfront-failover-codes-invalid"],
        "failover status codes are empty, unknown or repeated",
        "An origin group fails over on a list of HTTP status codes; CloudFront accepts 400, 403, 404, \
         416, 500, 502, 503 and 504, each once. Leave `failover_status_codes` out for 500, 502, 503 and \
         504.",
    ),
    error(
        "cloudfront:log-bucket-invalid",
        &["cloudfront-log-bucket-invalid"],
        "the access log bucket is not an S3 bucket name",
        "Give the bucket's name only (3 to 63 lowercase letters, digits, dots and hyphens), not its ARN \
         or URL; rcdk builds the `<bucket>.s3.amazonaws.com` domain CloudFront needs.",
    ),
    error(
        "cloudfront:path-pattern-invalid",
        &["cloudfront-path-pattern-invalid"],
        "a write path pattern is empty, too long, a catch-all or listed twice",
        "Write path patterns become cache behaviors that send writes to the primary origin only (origin \
         groups fail over GET and HEAD only). A catch-all (`*`, `/*`) would route every request there and \
         turn failover off. Use specific patterns such as `/api/*`, each once.",
    ),
    error(
        "cloudfront:too-many-behaviors",
        &["cloudfront-too-many-behaviors"],
        "more write path patterns than cache behaviors rcdk allows",
        "Each write path pattern is one cache behavior; rcdk keeps a distribution to 25 of them (the \
         long-standing CloudFront default quota). Merge patterns with wildcards, e.g. `/api/*`.",
    ),
    error(
        "cloudfront:web-acl-invalid",
        &["cloudfront-web-acl-invalid"],
        "the web ACL is not a WAFv2 web ACL with CLOUDFRONT scope",
        "A distribution takes a WAFv2 web ACL created with `CLOUDFRONT` scope (in us-east-1), by ARN: \
         `arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>`. Regional web ACLs (for load \
         balancers) cannot be attached to CloudFront.",
    ),
    // ---- cloudwatch ----
    error(
        "cloudwatch:alarm-datapoints-invalid",
        &["alarm-datapoints-invalid"],
        "`datapoints_to_alarm` is outside 1 to `evaluation_periods`",
        "An alarm fires when `datapoints_to_alarm` of the last `evaluation_periods` periods breach (\"M \
         out of N\"); CloudWatch requires 1 <= M <= N.\n\n\
         ```yaml\nevaluation_periods: 5\ndatapoints_to_alarm: 3\n```",
    ),
    error(
        "cloudwatch:alarm-evaluation-periods-invalid",
        &["alarm-evaluation-periods-invalid"],
        "the alarm's evaluation periods are 0 or span more than a day",
        "An alarm evaluates at least one period, and CloudWatch limits `evaluation_periods` times the \
         period to one day (86,400 s). Set `evaluation_periods` to 1 or more, and lower it (or the \
         period) to fit a day.",
    ),
    warning(
        "cloudwatch:alarm-no-action",
        &["mon-alarm-no-action"],
        "alarms notify nobody",
        "The stack's CloudWatch alarms have no alarm actions: when one fires, its state changes in \
         the console and nobody is told. Give the stack an alarm topic (`alarms: {email: ...}`), or \
         set the alarms' `AlarmActions` in the template.",
    ),
    error(
        "cloudwatch:alarm-period-invalid",
        &["alarm-period-invalid"],
        "the metric period is not one CloudWatch alarms accept",
        "CloudWatch alarms take a period of 10 or 30 seconds (high-resolution metrics) or a multiple of \
         60 seconds. Use e.g. 60 or 300.",
    ),
    error(
        "cloudwatch:alarm-threshold-invalid",
        &["alarm-threshold-invalid"],
        "the alarm threshold is not a finite number",
        "An alarm compares the metric with a number; NaN and infinity are not numbers CloudWatch \
         accepts. Set `threshold` to a finite value.",
    ),
    // ---- dynamodb ----
    error(
        "dynamodb:capacity-invalid",
        &["dynamodb-capacity-invalid"],
        "a provisioned read or write capacity is below 1",
        "A provisioned DynamoDB table has at least 1 read and 1 write capacity unit. Set \
         `read_capacity` and `write_capacity` to 1 or more, or use `billing_mode: on_demand`.",
    ),
    error(
        "dynamodb:capacity-on-demand",
        &["dynamodb-capacity-on-demand"],
        "read or write capacity is set on an on-demand table",
        "On-demand (pay-per-request, the default) tables have no provisioned throughput; DynamoDB rejects \
         `ProvisionedThroughput` on them. Remove `read_capacity`/`write_capacity`, or set \
         `billing_mode: provisioned`.",
    ),
    error(
        "dynamodb:key-duplicate",
        &["dynamodb-key-duplicate"],
        "the partition key and the sort key are the same attribute",
        "A table's primary key is a partition key and, optionally, a different sort key. Name another \
         attribute as the sort key, or leave it out.",
    ),
    error(
        "dynamodb:key-name-invalid",
        &["dynamodb-key-name-invalid"],
        "a key attribute name is empty or longer than 255 characters",
        "DynamoDB key attribute names have 1 to 255 characters.",
    ),
    // ---- ec2 ----
    error(
        "ec2:ami-architecture-mismatch",
        &["ec2-ami-architecture-mismatch"],
        "the AMI's architecture does not match the instance type",
        "Graviton instance types (`t4g`, `m7g`, `c6g`, ...) run only `arm64` images, and the others \
         only `x86_64` images. An instance launched from an AMI of the other architecture fails to \
         start, so the Auto Scaling group never reaches its capacity and the deployment hangs until \
         it times out. Leave the AMI to rcdk (it picks the ECS-optimized AMI parameter of the \
         instance type's architecture), or give an AMI of the right architecture.",
    ),
    error(
        "ec2:bastion-instance-type-invalid",
        &["bastion-instance-type-invalid"],
        "the bastion's instance type is not an EC2 instance type",
        "EC2 instance types are a family and a size separated by a dot: `t3.micro`, `t4g.nano`. The \
         bastion only needs the smallest size.",
    ),
    error(
        "ec2:bastion-no-public-subnet",
        &["bastion-no-public-subnet"],
        "the bastion host needs a public subnet and the VPC has none",
        "A bastion host sits in a public subnet so it can be reached (over SSH) or reach the SSM \
         endpoints. Give the VPC public subnets, or drop the bastion and use SSM Session Manager to the \
         cluster instances.",
    ),
    error(
        "ec2:bastion-ssh-cidr-invalid",
        &["bastion-ssh-cidr-invalid"],
        "`ssh_cidr` is not a CIDR block",
        "`ssh_cidr` is the network allowed to reach the bastion on port 22, written as a network address \
         and prefix: `203.0.113.10/32` for one address.",
    ),
    error(
        "ec2:bastion-ssh-open-to-world",
        &["bastion-ssh-open-to-world"],
        "SSH on the bastion is open to the whole internet",
        "`ssh_cidr: 0.0.0.0/0` (or `::/0`) lets anyone try to log in; rcdk refuses it by default \
         (no SSH from the internet).\n\n\
         Narrow `ssh_cidr` to your network, drop it and connect with SSM Session Manager (no open port), \
         or, if you really mean it, set `allow_ssh_from_anywhere: true`.",
    ),
    error(
        "ec2:connections-no-port",
        &["connections-no-port"],
        "`allow_to_default_port` on a peer that declares no port",
        "A construct that receives traffic declares the port it listens on (a load balancer its listener ports, \
         a database its database port). `allow_to_default_port` used the peer's declared port, and this peer \
         has none. Name the ports explicitly: `allow_to(stack, &peer, Port::tcp(8080), \"why\")`.",
    ),
    // ---- ecr ----
    error(
        "ecr:image-in-new-repository",
        &[],
        "a service runs an image from a repository the same deploy creates (deploy time)",
        "Found by `rcdk deploy` before it creates the change set. A task definition runs \
         `<repository>:<tag>` where the repository is an `AWS::ECR::Repository` that this deploy creates. \
         A new repository is empty, so when CloudFormation starts the service its tasks cannot pull the \
         image: the deployment circuit breaker fails the deployment and the stack rolls back. With \
         `DeletionPolicy: Retain` and a fixed `RepositoryName`, the rollback keeps the repository and \
         every retry then fails because the name is taken.\n\n\
         Fix: deploy the repositories first, push, then deploy the rest — the three commands rcdk \
         prints:\n\n\
         ```sh\nrcdk deploy app.yaml --stack todo-prod --stage repositories --yes\n\
         docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/todo-main:1.0.3\n\
         rcdk deploy app.yaml --stack todo-prod\n```\n\n\
         `--stage repositories` deploys only the stack's ECR repositories (and their outputs). \
         See <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html> \
         and <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-deploymentcircuitbreaker.html>.",
    ),
    error(
        "ecr:image-missing",
        &[],
        "an image a service runs is not in its ECR repository (deploy time)",
        "Found by `rcdk deploy` before it creates the change set (ECR `DescribeImages`): the tag (or \
         digest) a task definition names is not in the repository, or the repository does not exist. \
         ECS could never start the service's tasks (`CannotPullContainerError`); CloudFormation would \
         wait for the deployment circuit breaker and roll back. Also catches a tag the repository's \
         lifecycle rule has expired.\n\n\
         Fix: push the image first (`docker push <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`), \
         or name a tag that exists (`aws ecr describe-images --repository-name <repository>`). Images \
         in another account's or region's registry are not checked. \
         See <https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html>.",
    ),
    error(
        "ecr:keep-images-invalid",
        &["ecr-keep-images-invalid"],
        "`keep_images` is outside 1 to 10000",
        "The repository's lifecycle rule expires images beyond the newest `keep_images`; ECR lifecycle \
         rules take a count of 1 to 10000 images.",
    ),
    error(
        "ecr:kms-key-invalid",
        &["ecr-kms-key-invalid"],
        "the repository's KMS key is not a KMS key ARN",
        "Give the key by ARN, `arn:aws:kms:REGION:ACCOUNT:key/ID`, or leave `kms_key_arn` out for \
         AES-256 encryption with an AWS owned key.",
    ),
    warning(
        "ecr:lifecycle-count-any",
        &[],
        "an ECR lifecycle rule keeps only a few images, whatever runs them",
        "A lifecycle rule with `tagStatus: any` and `countType: imageCountMoreThan` expires every image \
         beyond the newest N pushed, whether a service still runs it or not — lifecycle rules know \
         nothing about deployments \
         (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html>; expired \
         within 24 hours of qualifying). With a small N, a few pushes after a release (CI pushing a \
         build per commit) expire the running image, and the next task start — a scale-out, an instance \
         replaced, a circuit-breaker rollback — fails with `CannotPullContainerError`.\n\nrcdk writes \
         this rule with `keep_images` (default 30) and warns below 10. Keep more images, and push builds \
         you do not deploy to another repository. `rcdk deploy` checks that a deployed tag exists before \
         it deploys; a running service is not protected by that.",
    ),
    error(
        "ecr:repository-exists",
        &[],
        "a repository the deploy creates by name already exists outside the stack (deploy time)",
        "Found by `rcdk deploy` before it creates the change set (ECR `DescribeRepositories` and the \
         stack's resources): the template creates an ECR repository with a fixed `RepositoryName`, and a \
         repository of that name already exists in the account and region but is not this stack's — \
         typically left by an earlier failed first deploy (a `Retain` repository survives the rollback) or \
         made by hand. CloudFormation cannot create a second one: the change set (early validation, \
         `NAME_CONFLICT_VALIDATION`) or the deploy fails.\n\n\
         Fix: import it or rename. If it is empty and not needed, delete it \
         (`aws ecr delete-repository --repository-name NAME`); otherwise give the repository another \
         name in the app file, or import the existing one into the stack with a CloudFormation IMPORT \
         change set (rcdk does not do that). \
         See <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html>.",
    ),
    error(
        "ecr:repository-name-invalid",
        &["ecr-repository-name-invalid"],
        "the ECR repository name is invalid",
        "ECR repository names have 2 to 256 lower-case letters, digits and `-`, `_`, `.`, `/` \
         (namespaces), and start with a letter or digit: `acme/api`.",
    ),
    // ---- ecs ----
    error(
        "ecs:ami-parameter-invalid",
        &["ecs-ami-parameter-invalid"],
        "`ami_parameter` is not an SSM parameter name",
        "The cluster's AMI is read at deploy time from a public SSM parameter, named by a path that \
         starts with `/` and has no spaces, e.g. \
         `/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id`.",
    ),
    warning(
        "ecs:awsvpc-eni-capacity",
        &[],
        "more awsvpc tasks than the cluster's instances have network interfaces for",
        "Each task in `awsvpc` network mode gets its own elastic network interface, attached to the \
         instance it runs on, and the instance's own interface counts against the instance type's limit: \
         \"by default a c5.large instance may have up to three ENIs attached to it. The primary network \
         interface for the instance counts as one ... you can typically only run two such tasks on this \
         instance type\" \
         (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html>). \
         rcdk multiplies the instance type's network interfaces less one (its table: EC2 \
         `DescribeInstanceTypes`) by the Auto Scaling group's `MaxSize`, and warns when the awsvpc \
         services' tasks do not fit: their steady count (desired, or the scaling minimum) — those tasks \
         can never all run — or the most at once (the scaling maximum, or a rolling deployment's \
         `MaximumPercent`, default 200 %) — a scale-out waits and a deployment can stall. It is a \
         warning because ENI trunking (the `awsvpcTrunking` account setting, off unless turned on, and \
         only on supported instance types) raises the limit, which the template cannot show.\n\nRaise \
         `cluster.max_capacity`, choose an instance type with more network interfaces, use \
         `network_mode: bridge`, or turn ENI trunking on (`aws ecs put-account-setting-default --name \
         awsvpcTrunking --value enabled`) with an instance type that supports it.",
    ),
    error(
        "ecs:capacity-provider-name-prefix",
        &[],
        "a capacity provider name ECS refuses (aws…, ecs…, fargate…)",
        "ECS refuses capacity provider names that start with `aws`, `ecs` or `fargate`, in any case \
         (\"The name can't be prefixed with \\\"aws\\\", \\\"ecs\\\", or \\\"fargate\\\"\", \
         <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html>). \
         rcdk's capacity provider has no `Name`, so CloudFormation derives one from the stack name, \
         `<stack>-<logical ID>-<suffix>` \
         (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-capacityprovider.html>): \
         a stack named `ecs-prod`, `AWS-shop` or `Fargate1` cannot create its cluster's capacity \
         provider, and the deploy fails after the VPC and the instances are up \
         (aws/aws-cdk#29151).\n\nRename the stack (`name:`) so that it does not start with aws, ecs or \
         fargate, e.g. `shop-ecs-prod`. rcdk does not write a fixed `Name` instead: a fixed name would \
         block the replacement of the capacity provider that every replacement of its Auto Scaling group \
         needs.",
    ),
    error(
        "ecs:capacity-range",
        &["ecs-capacity-range"],
        "the cluster's instance capacity range is empty",
        "The cluster's Auto Scaling group runs between `min_capacity` and `max_capacity` instances. A \
         maximum of 0 could never run a task; EC2 Auto Scaling rejects a minimum above the maximum, and a \
         `desired_capacity` outside the two. Leave `desired_capacity` out (the capacity provider manages \
         it).\n\n\
         ```yaml\ncluster: {min_capacity: 1, max_capacity: 4}\n```",
    ),
    error(
        "ecs:container-cpu",
        &["ecs-container-cpu"],
        "a container's CPU is above the ECS maximum",
        "Container CPU is in units of 1/1024 vCPU; ECS allows at most 196,608 units (192 vCPU) on EC2. \
         1024 units are one vCPU.",
    ),
    error(
        "ecs:container-cpu-above-task",
        &["ecs-container-cpu-above-task"],
        "the containers reserve more CPU than the task has",
        "When the task sets `cpu`, the containers' `cpu` reservations together must fit in it; ECS \
         rejects the task definition otherwise. Raise the task's `cpu` or lower the containers'.",
    ),
    error(
        "ecs:container-duplicate",
        &["ecs-container-duplicate"],
        "two containers of a task have the same name",
        "Container names identify containers within a task (for links, load balancer targets and log \
         streams) and must be unique. Give each container its own name.",
    ),
    error(
        "ecs:container-memory",
        &["ecs-container-memory"],
        "a container's memory is below the ECS minimum",
        "ECS requires at least 6 MiB for `memory_mib` and `memory_reservation_mib` of a container. Real \
         applications need far more; set a realistic value.",
    ),
    error(
        "ecs:container-memory-above-task",
        &["ecs-container-memory-above-task"],
        "a container's memory is above the task's",
        "A container's hard memory limit cannot exceed the task's `memory_mib`; ECS rejects the task \
         definition otherwise. Raise the task's memory or lower the container's.",
    ),
    error(
        "ecs:container-name",
        &["ecs-container-name"],
        "a container name is invalid",
        "ECS container names have 1 to 255 letters, digits, hyphens and underscores.",
    ),
    error(
        "ecs:container-port",
        &["ecs-container-port"],
        "container port 0 is invalid",
        "The service's `container_port` is the port the load balancer sends traffic to; use a port from 1 \
         to 65535 (the default is 80).",
    ),
    error(
        "ecs:container-port-conflict",
        &["ecs-container-port-conflict"],
        "two containers of an awsvpc task use the same port",
        "In `awsvpc` network mode all containers of a task share one network interface, so two of them \
         cannot listen on the same port. Use distinct ports.",
    ),
    error(
        "ecs:container-port-duplicate",
        &["ecs-container-port-duplicate"],
        "a container lists the same port twice",
        "Each port mapping of a container is listed once. Remove the duplicate from `ports`.",
    ),
    error(
        "ecs:container-unknown",
        &["ecs-container-unknown"],
        "a handle method names a container the task definition does not have",
        "`add_environment` and `add_secret` on a task definition name the container they change. The name \
         must be one of the task definition's containers; check the spelling, or add the container first.",
    ),
    error(
        "ecs:deployment-percent",
        &["ecs-deployment-percent"],
        "the deployment percentages are out of range",
        "During a deployment ECS keeps at least `min_healthy_percent` (0 to 100) and at most \
         `max_percent` (100 to 200, above the minimum) of the desired task count running. Outside those \
         ranges a deployment could not make progress or would drop all capacity.\n\n\
         ```yaml\nmin_healthy_percent: 100\nmax_percent: 200\n```",
    ),
    error(
        "ecs:desired-count-scaled",
        &["ecs-desired-count-scaled"],
        "`desired_count` is set on a service that scales",
        "When Application Auto Scaling manages a service's task count, a fixed `DesiredCount` in the \
         template would reset the scaled count on every deploy. Remove `desired_count`; the scaling \
         minimum sets the floor.",
    ),
    error(
        "ecs:env-duplicate",
        &["ecs-env-duplicate"],
        "a name is both an environment variable and a secret",
        "ECS sets `environment` and `secrets` in the same process environment; one name cannot be both. \
         Keep one of the two.",
    ),
    error(
        "ecs:env-name",
        &["ecs-env-name"],
        "an environment variable name is invalid",
        "Environment variable names are letters, digits and underscores, not starting with a digit: \
         `DATABASE_URL`, `LOG_LEVEL`.",
    ),
    error(
        "ecs:grace-period-without-lb",
        &["ecs-grace-period-without-lb"],
        "a health check grace period is set on a service without a load balancer",
        "`health_check_grace_period_seconds` tells ECS how long to ignore failing load balancer health \
         checks of new tasks; ECS rejects it on a service that has no load balancer. Remove it, or \
         register the service with a target group.",
    ),
    error(
        "ecs:health-check-command",
        &["ecs-health-check-command"],
        "a container health check command does not start with CMD or CMD-SHELL",
        "A container health check command is a list whose first item is `CMD` (run the rest directly) or \
         `CMD-SHELL` (run the rest with the container's shell).\n\n\
         ```yaml\nhealth_check:\n  command: [CMD-SHELL, \"curl -f http://localhost:8080/health || exit 1\"]\n```",
    ),
    error(
        "ecs:health-check-range",
        &["ecs-health-check-range"],
        "a container health check setting is out of range",
        "ECS accepts a container health check `interval_seconds` of 5 to 300, `timeout_seconds` of 2 to \
         60, `retries` of 1 to 10 and `start_period_seconds` of 0 to 300. The message names the setting \
         and its range.",
    ),
    warning(
        "ecs:image-docker-hub-anonymous",
        &[],
        "a container pulls from Docker Hub without credentials",
        "An image reference without a registry host (`nginx:1.27`, `acme/web:2.0`) comes from Docker \
         Hub, and ECS pulls it anonymously unless the container has `RepositoryCredentials`. Docker Hub \
         allows unauthenticated clients 10 pulls an hour per IPv4 address \
         (<https://docs.docker.com/docker-hub/usage/pulls/>), and every task start pulls (ECS's default \
         pull behavior: \
         <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pull-behavior.html>), with every \
         instance in the private subnets behind the same NAT gateway address: a deploy that starts a few \
         tasks, a scale-out or a crash loop uses the hour up, and tasks fail with \
         `CannotPullContainerError` (\"toomanyrequests\").\n\nCopy the image into a repository of the \
         app (`repositories: {name: {}}`, push it there, `image: {repository: name, tag: ...}`), or \
         create an ECR pull-through cache rule for Docker Hub (it needs a Secrets Manager secret named \
         `ecr-pullthroughcache/...` holding a Docker Hub access token: \
         <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html>) \
         and name the image through it (`<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<image>`), or \
         use ECR Public (`public.ecr.aws/...`) when the image is published there.",
    ),
    error(
        "ecs:image-invalid",
        &["ecs-image-invalid"],
        "a container image is not a valid image reference",
        "An image reference is `[REGISTRY/]REPOSITORY[:TAG]` or `REPOSITORY@sha256:DIGEST`, lowercase \
         repository names, no spaces. E.g. `public.ecr.aws/nginx/nginx:1.27.0`.",
    ),
    error(
        "ecs:image-repository-unresolved",
        &[],
        "a container names an ECR repository by name outside an app file",
        "`ContainerImage::Repository` (`{repository, tag}`) is how an app file names one of its stack's \
         `repositories:`; the app binds it to the repository it created. A Rust program has the \
         repository's handle instead: `ContainerImage::from_repository(&repository, \"1.0.3\")`, which \
         also lets the execution role pull from it.",
    ),
    error(
        "ecs:image-tag-invalid",
        &[],
        "an image tag is not a valid tag",
        "A tag is 1 to 128 ASCII letters, digits, `_`, `.` and `-`, and does not start with `.` or `-` \
         (Docker's rule; ECS hands the image to Docker). E.g. `tag: 1.0.3` or `tag: 2024-06-01.7`.",
    ),
    error(
        "ecs:image-unpinned",
        &["ecs-image-unpinned"],
        "a container image has no tag or uses `latest`",
        "An image without a tag means `latest`, which moves: two deploys of the same template could run \
         different code, and a rollback would not roll back. rcdk requires a pinned version tag or \
         digest.\n\n\
         ```yaml\nimage: ghcr.io/acme/api:1.4.2\n```\n\n\
         If you really want a moving tag, set `allow_unpinned_image: true` on the container. A tag of \
         one of the stack's own repositories (`{repository, tag}`) may be `latest` when the repository's \
         tags are immutable (the default): it is pushed once and never moves.",
    ),
    error(
        "ecs:imds-hop-limit",
        &["ecs-imds-hop-limit"],
        "the IMDS hop limit is outside 1 to 64",
        "The instance metadata (IMDSv2) response hop limit is 1 to 64. rcdk's default, 1, keeps \
         containers in bridge mode from reading the instance's credentials; use 2 only for apps that \
         need instance metadata.",
    ),
    error(
        "ecs:instance-type-invalid",
        &["ecs-instance-type-invalid"],
        "the cluster's instance type is not an EC2 instance type",
        "EC2 instance types are a family and a size separated by a dot: `t3.medium`, `m7i.large`, \
         `m7g.large` (Graviton).",
    ),
    error(
        "ecs:lb-container-unknown",
        &["ecs-lb-container-unknown"],
        "the load balancer targets a container port the task does not expose",
        "A service registers `container_name:container_port` with its target group; ECS rejects the \
         service when the task definition has no such container port. Add the port to the container's \
         `ports`.",
    ),
    error(
        "ecs:no-containers",
        &["ecs-no-containers"],
        "a task definition has no container",
        "An ECS task definition needs at least one container. Add one under `containers:`.",
    ),
    error(
        "ecs:no-essential-container",
        &["ecs-no-essential-container"],
        "no container of the task is essential",
        "ECS requires at least one essential container per task: the task stops when an essential \
         container stops. Mark the main container `essential: true` (the default).",
    ),
    error(
        "ecs:root-volume-size",
        &["ecs-root-volume-size"],
        "the instance root volume size is out of range",
        "The ECS-optimized Amazon Linux 2023 AMI needs a root volume of at least 30 GiB, and gp3 volumes \
         go up to 16,384 GiB. Use 30 to 16384 in `root_volume_gib`.",
    ),
    warning(
        "ecs:scale-in-protected-instances",
        &[],
        "an Auto Scaling group's instances stay protected from scale-in (destroy time)",
        "With managed termination protection, ECS protects the cluster's instances from scale-in. When \
         the capacity provider is deleted, nothing removes that protection, and CloudFormation cannot \
         delete the Auto Scaling group while it holds protected instances: the deletion waits and ends \
         DELETE_FAILED (aws/containers-roadmap#2862, aws/aws-cdk#18179). `rcdk destroy` therefore \
         removes the protection itself (`autoscaling:SetInstanceProtection`) before deleting the stack and \
         while the deletion runs; this warning means it could not.\n\n\
         Fix: `aws autoscaling set-instance-protection --auto-scaling-group-name NAME --instance-ids IDS \
         --no-protected-from-scale-in`, then run `rcdk destroy` again. \
         See <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoScalingGroupProvider.html> \
         and <https://github.com/aws/containers-roadmap/issues/2862>.",
    ),
    error(
        "ecs:scale-in-protection-mismatch",
        &[],
        "an Auto Scaling group's scale-in protection that nothing lifts",
        "With `NewInstancesProtectedFromScaleIn: true`, every instance the Auto Scaling group launches \
         is protected from scale-in. Only the capacity provider's managed termination protection \
         (`ManagedTerminationProtection: ENABLED`, which needs managed scaling) lifts that protection \
         again, from instances that run no task — and only with managed scaling on (\"When using managed \
         termination protection, managed scaling must also be used otherwise managed termination \
         protection doesn't work\"). A protecting group whose capacity provider does not manage the \
         protection keeps it forever: the group never scales in, and CloudFormation cannot delete the group (it does not \
         force-delete protected instances), so deleting the stack hangs until it fails \
         (aws/containers-roadmap#2862).\n\nECS: \"When managed termination protection is on, Amazon ECS \
         prevents the Amazon EC2 instances in an Auto Scaling group that contain tasks from being \
         terminated during a scale-in action\" \
         (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoScalingGroupProvider.html>).\n\nrcdk \
         sets both together: `cluster.managed_termination_protection` (default true) turns both on, \
         `false` turns both off (managed draining stays on). This error comes from an override or a \
         template that sets only one, or turns managed scaling off; remove the override or set both.",
    ),
    error(
        "ecs:secret-arn",
        &["ecs-secret-arn"],
        "a secret is not the ARN of an SSM parameter or a Secrets Manager secret",
        "Container secrets are injected by ECS from SSM Parameter Store or Secrets Manager, named by ARN: \
         `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME` or \
         `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`, or, for a parameter of the stack's own \
         account and region, by its full name: `/app/api-key`. rcdk grants the execution role read access \
         to exactly those.",
    ),
    warning(
        "ecs:service-linked-role-missing",
        &[],
        "the ECS service-linked role is missing and rcdk may not create it (deploy time)",
        "Before executing a change set that adds the account's first ECS cluster or capacity provider, \
         `rcdk deploy` makes sure ECS's service-linked role (`AWSServiceRoleForECS`) exists and creates it \
         when it does not (`iam:CreateServiceLinkedRole`), printing a progress line. ECS creates the role \
         itself with the first cluster, but CloudFormation may create the capacity provider first, and the \
         deploy then fails with \"Unable to assume the service linked role\" (a retry works). This \
         warning means the credentials may not create the role.\n\n\
         Fix: ask an administrator to run `aws iam create-service-linked-role --aws-service-name \
         ecs.amazonaws.com` once per account, or deploy again if the first deploy fails. \
         See <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html>.",
    ),
    error(
        "ecs:target-capacity",
        &["ecs-target-capacity"],
        "`target_capacity_percent` is outside 1 to 100",
        "The capacity provider's target capacity is how full ECS keeps the cluster's instances: 100 \
         means no idle instances, less keeps spare capacity for faster scale-out. ECS accepts 1 to 100.",
    ),
    error(
        "ecs:task-cpu",
        &["ecs-task-cpu"],
        "the task's CPU is outside 128 to 196,608 units",
        "Task CPU is in units of 1/1024 vCPU; ECS on EC2 accepts 128 to 196,608 units. 1024 units are \
         one vCPU.",
    ),
    error(
        "ecs:task-larger-than-instance",
        &[],
        "a task reserves more memory or CPU than an instance of its cluster has",
        "ECS places a task on a container instance only where the memory and CPU it reserves are free: \
         the task-level `Memory`/`Cpu`, or the containers' sum (a container counts by its \
         `MemoryReservation` when set, else its hard `Memory` limit). A task that reserves more than an \
         instance of the cluster's instance type has at all — e.g. 3072 MiB on `t3.small` (2048 MiB), or \
         4096 CPU units on a 2-vCPU type (2048 units) — can never be placed: the service's deployment \
         waits until the circuit breaker or CloudFormation's timeout fails it \
         (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement.html>). rcdk \
         compares with the instance type's memory and vCPUs from its table (EC2 `DescribeInstanceTypes`, \
         vendored in `constructs/data/ec2-instance-specs.tsv`); ECS registers a little less for tasks \
         than the instance has, so a task just under it may still not fit.\n\nReserve less \
         (`memory_mib`, `memory_reservation_mib`, `cpu`), or choose a larger `cluster.instance_type`.",
    ),
    error(
        "ecs:task-memory",
        &["ecs-task-memory"],
        "the task's memory is too small",
        "ECS requires at least 6 MiB of task memory; a real task needs far more. Set `memory_mib` to what \
         the containers need together.",
    ),
    error(
        "ecs:too-many-containers",
        &["ecs-too-many-containers"],
        "a task definition has more than 10 containers",
        "ECS allows at most 10 containers per task definition. Split the containers into several \
         services.",
    ),
    // ---- elbv2 ----
    error(
        "elbv2:access-logs-bucket-invalid",
        &["access-logs-bucket-invalid"],
        "the access log bucket is not an S3 bucket name",
        "`access_logs_bucket` is the bucket's name (3 to 63 lowercase letters, digits, dots and hyphens), \
         not its ARN or URL. The bucket must allow the regional Elastic Load Balancing account to write \
         to it.",
    ),
    error(
        "elbv2:access-logs-prefix-without-bucket",
        &["access-logs-prefix-without-bucket"],
        "`access_logs_prefix` is set without `access_logs_bucket`",
        "The prefix only means something with a bucket to write to. Set `access_logs_bucket` too, or \
         remove the prefix.",
    ),
    error(
        "elbv2:action-body-too-long",
        &["action-body-too-long"],
        "a fixed response body is longer than 1024 bytes",
        "Elastic Load Balancing limits the message body of a fixed-response action to 1024 characters. \
         Shorten it, or serve the content from a service.",
    ),
    error(
        "elbv2:action-content-type-invalid",
        &["action-content-type-invalid"],
        "a fixed response content type is not one the load balancer accepts",
        "Fixed-response actions accept only `text/plain`, `text/css`, `text/html`, \
         `application/javascript` and `application/json`.",
    ),
    error(
        "elbv2:action-status-invalid",
        &["action-status-invalid"],
        "a fixed response status code is not between 200 and 599",
        "A fixed-response action returns an HTTP status code from 2XX, 4XX or 5XX (200 to 599).",
    ),
    error(
        "elbv2:action-target-groups-invalid",
        &["action-target-groups-invalid"],
        "a weighted forward names no target group or more than 5",
        "An Application Load Balancer forward action splits traffic across 1 to 5 target groups (a fixed \
         quota: target groups per action). Split the traffic across at most 5 target groups.",
    ),
    error(
        "elbv2:action-weight-invalid",
        &["action-weight-invalid"],
        "a target group weight is not a whole number from 0 to 999",
        "Weights of a weighted forward action are whole numbers from 0 to 999; traffic is split in \
         proportion to them (0 sends none).",
    ),
    error(
        "elbv2:certificate-arn-invalid",
        &["certificate-arn-invalid"],
        "a listener certificate is not an ACM or IAM certificate ARN",
        "An HTTPS listener takes certificates by ARN, from ACM (`arn:aws:acm:REGION:ACCOUNT:certificate/ID`, \
         in the load balancer's region) or IAM (`arn:aws:iam::ACCOUNT:server-certificate/NAME`).",
    ),
    error(
        "elbv2:deletion-protection-blocks-destroy",
        &[],
        "a load balancer's deletion protection would block `rcdk destroy` (destroy time)",
        "Found by `rcdk destroy` before it deletes anything (`DescribeLoadBalancerAttributes`): the \
         load balancer has `deletion_protection.enabled`, so CloudFormation's deletion would fail on it \
         (DELETE_FAILED) and leave it and what it uses behind. rcdk refuses, exit 1, nothing deleted.\n\n\
         Fix: `aws elbv2 modify-load-balancer-attributes --load-balancer-arn ARN --attributes \
         Key=deletion_protection.enabled,Value=false`, or `rcdk destroy ... --disable-deletion-protection`, \
         which does it after the confirmation. \
         See <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection>.",
    ),
    error(
        "elbv2:health-check-interval-invalid",
        &["health-check-interval-invalid"],
        "the target group health check interval is outside 5 to 300 seconds",
        "Elastic Load Balancing checks targets every 5 to 300 seconds. Use a value in that range in \
         `health_check.interval_seconds` (default 30).",
    ),
    error(
        "elbv2:health-check-matcher-invalid",
        &["health-check-matcher-invalid"],
        "the health check matcher is not a list or range of HTTP codes from 200 to 499",
        "The success codes of an HTTP health check are a code (`200`), a list (`200,204`) or a range \
         (`200-399`), each from 200 to 499.",
    ),
    error(
        "elbv2:health-check-path-invalid",
        &["health-check-path-invalid"],
        "the health check path does not start with `/` or is too long",
        "A target group health check path starts with `/` and has at most 1024 characters, e.g. \
         `/health`.",
    ),
    error(
        "elbv2:health-check-threshold-invalid",
        &["health-check-threshold-invalid"],
        "a health check threshold is outside 2 to 10",
        "The healthy and unhealthy threshold counts (consecutive checks before a target changes state) \
         are 2 to 10.",
    ),
    error(
        "elbv2:health-check-timeout-invalid",
        &["health-check-timeout-invalid"],
        "the health check timeout is outside 2 to 120 seconds or not below the interval",
        "A health check times out after 2 to 120 seconds, and the timeout must be shorter than the \
         interval; otherwise checks would overlap.\n\n\
         ```yaml\nhealth_check: {interval_seconds: 30, timeout_seconds: 5}\n```",
    ),
    error(
        "elbv2:https-certificate-missing",
        &["https-certificate-missing"],
        "an HTTPS listener has no certificate",
        "An HTTPS listener needs at least one server certificate. Set `certificate_arns` to an ACM \
         certificate in the load balancer's region (HTTP then redirects to HTTPS), or set \
         `https: false`.\n\n\
         ```yaml\nload_balancer:\n  certificate_arns: [arn:aws:acm:eu-west-1:123456789012:certificate/abcd]\n```",
    ),
    error(
        "elbv2:https-certificate-unused",
        &["https-certificate-unused"],
        "certificates are given but `https` is false",
        "Certificates are only used by an HTTPS listener, which `https: false` turns off. Remove \
         `certificate_arns`, or remove `https: false`.",
    ),
    error(
        "elbv2:idle-timeout-invalid",
        &["idle-timeout-invalid"],
        "the load balancer idle timeout is outside 1 to 4000 seconds",
        "An Application Load Balancer closes idle connections after 1 to 4000 seconds (default 60).",
    ),
    error(
        "elbv2:ingress-cidr-invalid",
        &["ingress-cidr-invalid"],
        "an ingress CIDR is not an IPv4 or IPv6 CIDR",
        "`ingress_cidrs` lists the networks allowed to reach the load balancer, each as an address and a \
         prefix length: `203.0.113.0/24`, `2001:db8::/32`.",
    ),
    error(
        "elbv2:ingress-cidrs-empty",
        &["ingress-cidrs-empty"],
        "`ingress_cidrs` is empty, so no client could connect",
        "An empty list would leave the load balancer's security group without an inbound rule. List at \
         least one CIDR, or leave `ingress_cidrs` out to allow anywhere.",
    ),
    error(
        "elbv2:load-balancer-needs-two-azs",
        &["load-balancer-needs-two-azs"],
        "an Application Load Balancer needs subnets in at least two AZs",
        "Elastic Load Balancing requires an Application Load Balancer to have subnets in at least two \
         Availability Zones. Give the VPC `max_azs: 2` or more.",
    ),
    error(
        "elbv2:load-balancer-no-listener",
        &["load-balancer-no-listener"],
        "the load balancer would have no listener",
        "With `http: false` and no HTTPS listener, the load balancer would accept no traffic. Keep the \
         HTTP listener, or turn HTTPS on with `certificate_arns`.",
    ),
    error(
        "elbv2:load-balancer-subnets-invalid",
        &["load-balancer-subnets-invalid"],
        "an internet-facing load balancer is placed in private subnets",
        "An internet-facing load balancer needs subnets with a route to an internet gateway (public \
         subnets); in private subnets it could not be reached. Use `subnets: public`, or set \
         `internal: true`.",
    ),
    error(
        "elbv2:prefix-list-invalid",
        &["alb-prefix-list-invalid"],
        "an ingress prefix list is not a managed prefix list ID",
        "`load_balancer.ingress_prefix_lists` takes the IDs of managed prefix lists, `pl-` followed \
         by hexadecimal digits, e.g. `pl-3b927c52`, as `aws ec2 describe-managed-prefix-lists` prints \
         them. The security group rule's `SourcePrefixListId` accepts nothing else.",
    ),
    error(
        "elbv2:rule-catch-all-needs-priority",
        &["rule-catch-all-needs-priority"],
        "a catch-all path pattern has an automatic priority",
        "A path pattern such as `/*` matches every request. With an automatic priority (derived from the \
         rule's name), it would shadow other rules depending on how names sort. Use the listener's \
         default action for the catch-all, or give this rule an explicit `priority` higher than the \
         specific rules'.",
    ),
    error(
        "elbv2:rule-condition-empty",
        &["rule-condition-empty"],
        "a listener rule condition has no value",
        "A condition with an empty list would match nothing (CloudFormation rejects it). Give at least \
         one value, or leave the condition out.",
    ),
    error(
        "elbv2:rule-condition-missing",
        &["rule-condition-missing"],
        "a listener rule has no condition",
        "Every listener rule needs at least one condition; the listener's default action handles \
         requests that no rule matches. Set `path_patterns` or `host_headers`.\n\n\
         ```yaml\npath_patterns: [/api/*]\n```",
    ),
    error(
        "elbv2:rule-condition-too-many-values",
        &["rule-condition-too-many-values"],
        "a listener rule condition has more than 3 values",
        "rcdk keeps each condition of a rule to 3 values so that a rule stays within the Application \
         Load Balancer quota of 5 condition values per rule. Split the values across several rules \
         forwarding to the same target group.",
    ),
    error(
        "elbv2:rule-condition-value-invalid",
        &["rule-condition-value-invalid"],
        "a listener rule condition value is empty or longer than 128 characters",
        "Elastic Load Balancing accepts condition values (path patterns, host names, header values) of \
         1 to 128 characters.",
    ),
    error(
        "elbv2:rule-host-header-invalid",
        &["rule-host-header-invalid"],
        "a host header condition is not a host name pattern",
        "Host conditions match host names: letters, digits, hyphens and dots, with the wildcards `*` \
         (any characters) and `?` (one character), e.g. `api.example.com` or `*.example.com`. No scheme, \
         port or path.",
    ),
    error(
        "elbv2:rule-http-header-invalid",
        &["rule-http-header-invalid"],
        "an HTTP header condition names a header rules cannot match",
        "HTTP header conditions match headers named with up to 40 letters, digits, hyphens and \
         underscores. The `Host` header has its own condition: use `host_headers`.",
    ),
    error(
        "elbv2:rule-path-pattern-duplicate",
        &["rule-path-pattern-duplicate"],
        "two rules of one listener match the same path",
        "Two listener rules with the same path pattern and the same host, header and query-string conditions: only the one with the lower priority ever matches, so the other service receives no traffic. Give one of them a different path, host or header.",
    ),
    error(
        "elbv2:rule-path-pattern-invalid",
        &["rule-path-pattern-invalid"],
        "a path pattern does not start with `/` or has characters rules cannot match",
        "Path patterns match the request path, not the query string: they start with `/` and use \
         letters, digits, `_-.$/~\"'@:+&` and the wildcards `*` and `?`, e.g. `/api/*`.",
    ),
    error(
        "elbv2:rule-priority-duplicate",
        &["rule-priority-duplicate"],
        "two rules on one listener have the same priority",
        "Rules of a listener are evaluated in priority order, and each priority is used once per \
         listener; CloudFormation fails the deployment otherwise. Automatic priorities are derived from \
         rule names and can collide (the message says so): give one of the rules an explicit \
         `priority`.",
    ),
    error(
        "elbv2:rule-priority-invalid",
        &["rule-priority-invalid"],
        "a listener rule priority is outside 1 to 50000",
        "Listener rule priorities are 1 (evaluated first) to 50000.",
    ),
    error(
        "elbv2:rule-too-many-values",
        &["rule-too-many-values"],
        "a listener rule has more than 5 condition values in all",
        "An Application Load Balancer rule may have at most 5 condition values in all its conditions \
         (quota: condition values per rule). Split the rule into several rules forwarding to the same \
         target group.",
    ),
    error(
        "elbv2:rule-too-many-wildcards",
        &["rule-too-many-wildcards"],
        "a listener rule uses more than 5 wildcards",
        "An Application Load Balancer rule may use at most 5 wildcards (`*`, `?`) in all its conditions \
         (quota: condition wildcards per rule). Split the rule, or use fewer wildcards.",
    ),
    error(
        "elbv2:ssl-policy-insecure",
        &["ssl-policy-insecure"],
        "the TLS policy is unknown or admits TLS versions below 1.2",
        "rcdk requires a modern TLS policy on HTTPS listeners: TLS 1.0 and 1.1 are deprecated and fail \
         most compliance checks. Use a TLS 1.2+ policy such as `ELBSecurityPolicy-TLS13-1-2-2021-06` (the \
         default), or leave `ssl_policy` out.",
    ),
    error(
        "elbv2:ssl-policy-without-https",
        &["ssl-policy-without-https"],
        "`ssl_policy` is set but there is no HTTPS listener",
        "A TLS policy applies to HTTPS listeners only. Remove `ssl_policy`, or add `certificate_arns` to \
         get an HTTPS listener.",
    ),
    error(
        "elbv2:target-group-deregistration-delay-invalid",
        &["target-group-deregistration-delay-invalid"],
        "the deregistration delay is above 3600 seconds",
        "Elastic Load Balancing waits 0 to 3600 seconds for in-flight requests before deregistering a \
         target. Use a value in that range (default 300; less speeds up deployments).",
    ),
    error(
        "elbv2:target-group-name-invalid",
        &["target-group-name-invalid"],
        "the target group name is invalid",
        "Target group names have at most 32 letters, digits and hyphens, and do not start or end with a \
         hyphen. A fixed name also makes replacements fail (two target groups cannot share it); leave \
         `name` out and CloudFormation generates one.",
    ),
    error(
        "elbv2:target-group-port-invalid",
        &["target-group-port-invalid"],
        "the target group port is 0",
        "A target group port is 1 to 65535. Leave `port` out to use the container port.",
    ),
    error(
        "elbv2:target-group-stickiness-invalid",
        &["target-group-stickiness-invalid"],
        "the stickiness duration is outside 1 second to 7 days",
        "Load-balancer-generated cookie stickiness lasts 1 to 604,800 seconds (7 days).",
    ),
    error(
        "elbv2:too-many-rules",
        &["alb-too-many-rules"],
        "the stack's services need more listener rules than one load balancer allows",
        "An Application Load Balancer allows at most 100 listener rules (not counting default rules), and \
         each service needs at least one rule on each listener. Split the services over more stacks, \
         each with its own load balancer.",
    ),
    error(
        "elbv2:too-many-target-groups",
        &["alb-too-many-target-groups"],
        "the stack's services need more target groups than one load balancer allows",
        "An Application Load Balancer can use at most 100 target groups (a fixed quota), and each service \
         (and each canary) needs one. Split the services over more stacks, each with its own load \
         balancer.",
    ),
    // ---- guard ----
    error(
        "guard:engine-failed",
        &[],
        "the rule engine could not evaluate a template",
        "The AWS CloudFormation Guard engine (the `cfn-guard` crate, run inside rcdk) returned an error \
         or failed while evaluating a rule pack on a synthesized template, so its rules were not \
         evaluated. rcdk does not deploy what it could not check: the message quotes the engine. \
         Report it with the template; as a workaround, remove the stack's `compliance:` pack.",
    ),
    error(
        "guard:rule-failed",
        &[],
        "a rule of an enabled rule pack fails",
        "The stack (or the app) enables a rule pack in `compliance:` (`control-tower`: the AWS Control \
         Tower proactive controls, AWS CloudFormation Guard rules vendored from the npm package \
         `@cdklabs/cdk-validator-cfnguard`), and a rule fails on a resource of the synthesized \
         template. With the control active in the account's organizational unit, Control Tower's \
         CloudFormation hook refuses the deploy \
         (https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html), \
         so rcdk refuses it first, located at the construct that made the resource. The message names \
         the rule and its control id, the help line the fix and the control's documentation.\n\n\
         Change the construct's props so the rule passes, or accept the finding knowingly with a \
         reason, under the construct (or the stack, or the app):\n\n\
         ```yaml\nsuppress:\n  CT.ECS.PR.4: \"bridge networking on EC2 is the platform's design\"\n```\n\n\
         `rcdk check --rules control-tower TEMPLATE` reports the same findings for any template \
         (exit 1).",
    ),
    error(
        "guard:template-refused",
        &[],
        "a synthesized template cannot be given to the rule engine",
        "Rule packs are evaluated by the AWS CloudFormation Guard engine, which has no depth limit of \
         its own: a deeply nested template overflows its stack (the process aborts), and its time grows \
         faster than linearly with nesting. rcdk reads the template first and refuses one nested more \
         than 64 maps and lists deep, or whose aliases expand past the budget. rcdk's constructs never \
         nest that deep; raw `resources:` or `overrides:` can. Flatten the value.",
    ),
    error(
        "iam:action-invalid",
        &["iam-action-invalid"],
        "a policy action is not `service:Action`",
        "IAM actions are written `service:Action` (for example `dynamodb:GetItem`, wildcards allowed: `s3:Get*`), or `*`. IAM refuses anything else when the stack is deployed.",
    ),
    error(
        "iam:actions-empty",
        &["iam-actions-empty"],
        "a policy statement has no action",
        "A statement without actions grants nothing and IAM rejects the policy. List the actions the application needs, or remove the statement.",
    ),
    error(
        "iam:resource-invalid",
        &["iam-resource-invalid"],
        "a policy resource is not an ARN",
        "Statement resources are ARNs (`arn:aws:dynamodb:us-east-1:123456789012:table/todos`), `*`, or an intrinsic function that yields an ARN (`{\"Fn::GetAtt\": [Table, Arn]}`). A bare name is not a resource.",
    ),
    error(
        "iam:resources-empty",
        &["iam-resources-empty"],
        "a policy statement has no resource",
        "A statement without resources grants nothing and IAM rejects the policy. Name the resources, or `*` where the action has none.",
    ),
    // ---- logs ----
    error(
        "logs:retention-invalid",
        &["log-retention-invalid"],
        "the log retention is not a number of days CloudWatch Logs accepts",
        "CloudWatch Logs keeps log events for one of a fixed set of periods: 1, 3, 5, 7, 14, 30, 60, 90, \
         120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days.\n\n\
         ```yaml\nlog_retention_days: 30\n```",
    ),
    // ---- rds ----
    error(
        "net:database-admits-others",
        &[],
        "the database admits more than the services that use it",
        "An ingress rule of the database's security groups admits, on the database port, a security \
         group that only something else holds (the load balancer, a service that does not use the \
         database, instances running none that does), or a network holding subnets where no service \
         using the database runs (such as the VPC's whole CIDR, public subnets included). A service \
         uses the database when its task definition or its roles refer to the database, a secret \
         attached to it, an RDS proxy in front of it, or a parameter or secret naming it. Remove the \
         rule; link each service that needs the database with `database: true`, which admits it. \
         Admin hosts (EC2 instances, such as the bastion) may be admitted.",
    ),
    error(
        "net:database-open",
        &["net-database-open"],
        "the database admits traffic from anywhere",
        "A security group of the database admits `0.0.0.0/0` (or `::/0`) on the database port. The \
         database should admit only the services that use it: remove the open rule; rcdk already \
         admits each service linked with `database:`.",
    ),
    error(
        "net:database-unreachable",
        &["net-database-unreachable"],
        "a service that uses the database is not admitted by it",
        "A service linked to the database (it gets its endpoint and credentials) runs in a security \
         group that no ingress rule of the database's security groups admits on the database port, so \
         its connections time out. Admit the service's security group on the port, or link it with \
         `database:` so rcdk adds the rule.",
    ),
    error(
        "net:endpoint-blocked",
        &[],
        "an interface VPC endpoint does not admit the instances on HTTPS",
        "An interface endpoint with private DNS answers for its service (ECS, ECR, CloudWatch Logs, \
         and Secrets Manager or SSM when tasks read secrets) in the whole VPC, NAT gateway or not. \
         When its security groups admit no HTTPS (TCP 443) from the ECS instances, the agent never \
         registers, images never pull and logs are lost. Admit TCP 443 from the instances' security \
         group or from the VPC's CIDR (as `vpc.endpoints` does).",
    ),
    error(
        "net:instances-no-egress",
        &["net-instances-no-egress"],
        "ECS instances have no way out to ECS, ECR, CloudWatch Logs and S3",
        "The cluster's instances are in subnets whose route table has no default route (no NAT \
         gateway, no internet gateway) and the VPC lacks the endpoints the ECS agent needs (`ecs`, \
         `ecs-agent`, `ecs-telemetry`, `ecr.api`, `ecr.dkr`, `logs` interface endpoints with private \
         DNS, and the `s3` gateway endpoint for image layers). The agents never register, images \
         never pull, and the deploy waits until it times out. Give the VPC a NAT gateway \
         (`vpc.nat_gateways: 1`), or the endpoints (`vpc.endpoints: {}`).",
    ),
    error(
        "net:instances-no-public-ip",
        &["net-instances-no-public-ip"],
        "instances route to an internet gateway without a public IP",
        "The instances are in subnets whose default route is an internet gateway, but they get no \
         public IPv4 address, so they cannot reach anything outside the VPC (an internet gateway only \
         translates for instances with a public address). Put them in private subnets with a NAT \
         gateway, or give them public addresses (`MapPublicIpOnLaunch`, or `AssociatePublicIpAddress` \
         in the launch template).",
    ),
    error(
        "net:lb-egress-blocked",
        &["net-lb-egress-blocked"],
        "the load balancer's egress rules do not reach the target port",
        "The load balancer's security group restricts egress, and no egress rule reaches the targets' \
         security group (or address) on the target port: in bridge mode the dynamic host ports \
         32768-65535, in awsvpc mode the container port. Health checks fail and every request gets \
         502. Add the egress rule, or leave egress open.",
    ),
    error(
        "net:lb-to-target-blocked",
        &["net-lb-to-target-blocked"],
        "the targets' security groups do not admit the load balancer",
        "No ingress rule of the targets' security groups admits the load balancer's security group \
         (or an address range containing the load balancer's subnets) on the target port: in bridge \
         mode the dynamic host ports 32768-65535, in awsvpc mode the container port — or on the \
         target group's fixed `HealthCheckPort` when it lies outside those. The targets never pass \
         their health checks and every request gets 502 or 503. Admit the load balancer's security \
         group on the port.",
    ),
    error(
        "net:listener-unreachable",
        &["net-listener-unreachable"],
        "the load balancer's security groups admit nothing on a listener's port",
        "A listener listens on a port that no ingress rule of the load balancer's security groups \
         admits, so every client connection times out. Admit the clients \
         (`load_balancer.ingress_cidrs`, or CloudFront's prefix list for a CDN origin) on the port, \
         or remove the listener.",
    ),
    error(
        "net:nacl-blocked",
        &["net-nacl-blocked"],
        "a network ACL drops the stack's own traffic",
        "Network ACLs are stateless: each direction needs its own allow rule, and return traffic goes \
         to the client's ephemeral port (1024-65535). A custom ACL on the subnets drops one of the \
         stack's paths: the listener port into the public subnets, the target ports into the private \
         subnets (the dynamic range 32768-65535 in bridge mode, the container port in awsvpc mode), \
         or the return traffic in either direction. The first matching rule by number decides. Add \
         allow rules with lower numbers than the deny, or remove the custom ACL.",
    ),
    warning(
        "net:nat-shared-across-azs",
        &["net-nat-shared-across-azs"],
        "private subnets of several zones share one NAT gateway",
        "One NAT gateway carries the outbound traffic of private subnets in several availability \
         zones. If its zone fails, every zone loses its way out, and traffic from the other zones is \
         billed as cross-zone data transfer. Use one NAT gateway per zone (rcdk's default, and the \
         AWS CDK's), or VPC endpoints (`vpc.endpoints`) for the AWS services the instances use.\n\n\
         When an app writes fewer NAT gateways than zones itself (`vpc.nat_gateways: 1`), the VPC \
         acknowledges the choice and synth reports it as a note with the saving and the risk, not a \
         warning; `--deny-warnings` passes. `rcdk check` on templates rcdk did not write warns.",
    ),
    error(
        "net:security-group-rules-quota",
        &[],
        "a security group with more rules than EC2 allows, prefix lists counted by their entries",
        "EC2 allows 60 inbound and 60 outbound rules per security group by default, counted separately \
         for IPv4 and IPv6 (\"Inbound or outbound rules per security group\", adjustable: \
         <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html>). A rule that \
         references a prefix list counts as the list's maximum number of entries, not as one rule: \"if \
         you create a prefix list with 20 maximum entries and you reference that prefix list in a \
         security group rule, this counts as 20 security group rules\". CloudFront's origin-facing list \
         `com.amazonaws.global.cloudfront.origin-facing` weighs 55 \
         (<https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html>), \
         so two rules referencing it — one for port 80 and one for 443 — are 110 rules, and the deploy \
         fails with `RulesPerSecurityGroupLimitExceeded`. cfn-lint does not count them, and moto does \
         not enforce the quota.\n\nrcdk admits each prefix list with one rule covering the listener \
         ports (80-443 when both listen; a load balancer answers only on its listeners). The check \
         counts every rule of every group — CIDRs and security group references 1 each, CloudFront's \
         origin-facing list 55, other prefix lists 1 (their weight is not known before deployment, so \
         the count is then a lower bound). Fix: fewer rules (one rule per prefix list on a port range, \
         fewer `ingress_cidrs`), or raise the quota in Service Quotas and spread the rules over several \
         security groups.",
    ),
    error(
        "net:service-container-mismatch",
        &[],
        "a service's load-balancer binding names a container or port its task definition lacks",
        "An ECS service's `LoadBalancers` entry sends the target group's traffic to `ContainerName` on \
         `ContainerPort`. The service's task definition must have a container of that name whose \
         `PortMappings` include that `ContainerPort`; otherwise ECS refuses to create (or update) the \
         service, half-way through the deploy. Make the binding and the container agree: add the port \
         mapping, or bind a port the container maps (in an rcdk app, a service's `container_port` sets \
         both).",
    ),
    error(
        "net:target-group-orphan",
        &["net-target-group-orphan"],
        "a service's target group gets no traffic from any listener",
        "The service registers its tasks in a target group, but no listener's default action and no \
         listener rule forwards to that group, so the service never receives a request (and ECS \
         refuses a service whose target group is attached to no load balancer). Add a rule that \
         forwards to it, or remove the binding.",
    ),
    error(
        "net:target-type-mismatch",
        &[],
        "a target group's target type does not fit the tasks' network mode",
        "ECS registers an `awsvpc` task by the IP address of its own network interface, so its target \
         group needs `TargetType: ip`; a `bridge` or `host` task shares its instance's network and is \
         registered by instance ID, so its target group needs `TargetType: instance` (the default). A \
         target group of the other type makes ECS refuse the service mid-deploy. Set the target type \
         that fits, or change the task definition's `NetworkMode`.",
    ),
    error(
        "rds:backup-retention-invalid",
        &["database-backup-retention-invalid"],
        "the backup retention is more than 35 days",
        "RDS keeps automated backups for 0 to 35 days (0 turns them off). Use a value in that range.",
    ),
    error(
        "rds:deletion-protection-blocks-destroy",
        &[],
        "a database's deletion protection would block `rcdk destroy` (destroy time)",
        "Found by `rcdk destroy` before it deletes anything (`DescribeDBInstances`): the database has \
         deletion protection (rcdk's default, `deletion_protection: true`). \"The database can't be deleted \
         when deletion protection is enabled\": CloudFormation's deletion would end DELETE_FAILED and leave \
         the database, its subnet group and security group, the subnets and the VPC behind. rcdk refuses, \
         exit 1, nothing deleted.\n\n\
         Fix: `aws rds modify-db-instance --db-instance-identifier ID --no-deletion-protection \
         --apply-immediately`, or `rcdk destroy ... --disable-deletion-protection`, which does it after the \
         confirmation and waits until RDS applies it. With `DeletionPolicy: Snapshot` (rcdk's default) a \
         final snapshot is kept, billed as backup storage per GB-month. \
         See <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html>.",
    ),
    error(
        "rds:engine-unknown",
        &["database-engine-unknown"],
        "the database engine is unknown",
        "rcdk's database supports the engines the message lists (e.g. `postgres`, `mysql`).\n\n\
         ```yaml\ndatabase: {engine: postgres}\n```",
    ),
    error(
        "rds:engine-version-invalid",
        &["database-engine-version-invalid"],
        "the engine version is not a version of the engine",
        "Give a major version of the engine (`17` for PostgreSQL, `8.4` for MySQL: RDS chooses the minor \
         and upgrades it), or a full version RDS offers (`17.6`; `aws rds describe-db-engine-versions` \
         lists them), or leave `engine_version` out for rcdk's default (the current major).",
    ),
    warning(
        "rds:engine-version-pinned",
        &[],
        "a full engine version pinned while RDS upgrades minor versions itself",
        "With `AutoMinorVersionUpgrade: true` (rcdk's default, and RDS's), RDS upgrades the database to \
         newer minor versions in the maintenance window. A template that names a full version \
         (`EngineVersion: '17.6'`) then no longer matches the database: the next deploy that updates the \
         instance asks RDS for 17.6 — a downgrade, which fails the update (aws/aws-cdk#15475) — and once \
         RDS retires 17.6, a new stack from the same template cannot create the database. \
         AWS::RDS::DBInstance: \"If you specify only the major version (for example, 5.6), your DB \
         instance will be upgraded to use the latest default version\" \
         (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-engineversion>); \
         upgrades: \
         <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html>.\n\nWrite \
         the major version only — `engine_version: '17'` for PostgreSQL, `'8.4'` for MySQL, rcdk's \
         default, as the AWS CDK's `PostgresEngineVersion.VER_17` — or turn automatic minor upgrades off \
         (`auto_minor_version_upgrade: false`) and upgrade by changing `engine_version` yourself. \
         Changing an existing database from `17.6` to `17` is an update of `EngineVersion`: RDS may \
         upgrade it to the default minor of 17 then (a brief interruption; with Multi-AZ a failover). \
         rcdk writes `Metadata.cfn-lint.config.ignore_checks: [E3691, W3691]` on a database with a \
         major-only version: cfn-lint's data lists only full MySQL versions and marks bare PostgreSQL \
         majors deprecated, though RDS accepts both (aws-cloudformation/cfn-lint#3849).",
    ),
    error(
        "rds:instance-class-invalid",
        &["database-instance-class-invalid"],
        "the database instance class is invalid",
        "RDS instance classes are `db.` followed by an instance family and size: `db.t4g.micro`, \
         `db.m7g.large`, `db.r7g.xlarge`.",
    ),
    error(
        "rds:log-export-invalid",
        &["database-log-export-invalid"],
        "the engine cannot export that log type",
        "Each engine exports its own log types to CloudWatch Logs (PostgreSQL: `postgresql`, `upgrade`, \
         `iam-db-auth-error`; MySQL: `error`, `general`, `slowquery`, `iam-db-auth-error`). Use one the \
         message lists.",
    ),
    warning(
        "rds:master-credentials-in-service",
        &[],
        "a service gets the database's rotating master credentials injected at task start",
        "With `ManageMasterUserPassword`, RDS keeps the master user's credentials in a Secrets Manager \
         secret and rotates the password every seven days by default \
         (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html>). ECS reads \
         a container's `Secrets` only when the task starts: \"If the secret is subsequently updated or \
         rotated, the container will not receive the updated value automatically\" \
         (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html>). \
         Connections already open keep working; the next connection a task opens after a rotation — a \
         pool recycling its connections, a reconnect after a Multi-AZ failover — fails with the old \
         password, until the task is replaced. Secrets Manager also recommends an application user with \
         least privilege over the master user \
         (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html>).\n\nFix, \
         in order of effort: `database_credentials: secret_arn` — the service gets `DB_SECRET_ARN`, its \
         task role may read the secret, and the app reads it when it connects (a Secrets Manager caching \
         client, the AWS Advanced JDBC Wrapper's Secrets Manager plugin), which survives rotations; or \
         create an application user with alternating-users rotation (SQL in the database first; rcdk \
         does not do it). If the app can only read environment variables, write `database_credentials: \
         env` (a note instead of this warning) and replace the tasks after each rotation: `aws ecs \
         update-service --cluster C --service S --force-new-deployment`.",
    ),
    error(
        "rds:max-storage-invalid",
        &["database-max-storage-invalid"],
        "the storage autoscaling limit is not above the allocated storage or too large",
        "Storage autoscaling grows the volume up to `max_allocated_storage_gib`, which must be above \
         `allocated_storage_gib` and at most 65,536 GiB. Raise it, or leave it out to turn storage \
         autoscaling off.",
    ),
    error(
        "rds:name-invalid",
        &["database-name-invalid"],
        "the database name is invalid",
        "RDS database names start with a letter and have only letters, digits and underscores, up to the \
         engine's length limit (the message says it).",
    ),
    error(
        "rds:port-invalid",
        &["database-port-invalid"],
        "the database port is below 1150",
        "RDS accepts ports 1150 to 65535 for these engines. Leave `port` out for the engine's default \
         (5432 for PostgreSQL, 3306 for MySQL).",
    ),
    error(
        "rds:storage-invalid",
        &["database-storage-invalid"],
        "the allocated storage is outside what RDS accepts",
        "RDS gp3 storage is 20 to 65,536 GiB. Use a value in that range in `allocated_storage_gib`.",
    ),
    error(
        "rds:username-invalid",
        &["database-username-invalid"],
        "the master user name is invalid",
        "RDS master user names start with a letter and have only letters, digits and underscores, up to \
         the engine's length limit (the message says it).",
    ),
    error(
        "rds:username-reserved",
        &["database-username-reserved"],
        "the master user name is reserved by the engine",
        "RDS reserves some user names for itself (`rdsadmin`, `rdsrepladmin`, `rds_superuser`, \
         `rds_replication`, `rdstopmgr`) and the engines reject SQL keywords such as `user`, `select` or \
         `table`; none of them can be the master user. Choose another name, or leave `master_username` out for rcdk's \
         default.",
    ),
    error(
        "rds:vpc-single-az",
        &["database-vpc-single-az"],
        "the database's VPC spans one availability zone",
        "An RDS DB subnet group needs subnets in at least two Availability Zones, even for a single-AZ \
         instance. Set the VPC's `max_azs` to 2 or more.",
    ),
    // ---- s3 ----
    error(
        "region:az-mismatch",
        &["region-az-mismatch"],
        "availability zones of another region, or more zones than the region has",
        "A subnet names an availability zone that is not in the stack's region, or `max_azs` asks for \
         more zones than the region has; the subnets fail to create. In a multi-region stack, give \
         each region its zones with `region_overrides.<region>.availability_zones`, or leave the \
         zones to rcdk.",
    ),
    error(
        "region:certificate-mismatch",
        &["region-certificate-mismatch"],
        "a load balancer certificate is from another region",
        "ACM certificates are regional: a load balancer's listener can only use a certificate of its \
         own region, so the listener fails to create. With `regions:`, one ARN copied into every \
         region's stack is wrong in all but one of them: give each region its certificate with \
         `region_overrides.<region>.certificate_arns`, or use `domain:` so rcdk requests one per \
         region.",
    ),
    error(
        "s3:kms-key-invalid",
        &["s3-kms-key-invalid"],
        "the bucket's KMS key is not a KMS key ARN",
        "Give the key by ARN, `arn:aws:kms:REGION:ACCOUNT:key/ID`, or leave `kms_key_arn` out for \
         SSE-S3 (AES-256) encryption.",
    ),
    error(
        "s3:noncurrent-expiration-invalid",
        &["s3-noncurrent-expiration-invalid"],
        "`noncurrent_version_expiration_days` is outside 1 to 3650",
        "The lifecycle rule deletes object versions this many days after they stop being current; rcdk \
         accepts 1 to 3650 days (ten years).",
    ),
    error(
        "s3:noncurrent-expiration-unversioned",
        &["s3-noncurrent-expiration-unversioned"],
        "noncurrent version expiration on a bucket without versioning",
        "Only a versioned bucket keeps noncurrent versions, so the rule would never apply. Remove \
         `noncurrent_version_expiration_days`, or leave `versioned` on.",
    ),
    // ---- service ----
    error(
        "service:canary-desired-count-zero",
        &["canary-desired-count-zero"],
        "the canary runs no task but gets a share of the traffic",
        "The listener sends the canary's `percent` of requests to its target group; with no task \
         registered there, those requests fail with 503. Run at least one task, or set \
         `canary.enabled: false`.",
    ),
    error(
        "service:canary-image-unchanged",
        &["canary-image-unchanged"],
        "the canary runs the stable image",
        "A canary exists to try a new image on a share of the traffic. With the same image as the service \
         it tests nothing and doubles the tasks. Set `canary.image` to the new version, or remove the \
         canary.\n\n\
         ```yaml\ncanary: {image: ghcr.io/acme/api:1.5.0, percent: 10}\n```",
    ),
    error(
        "service:canary-percent-invalid",
        &["canary-percent-invalid"],
        "the canary's share of traffic is not a percentage",
        "`canary.percent` is 0 to 100; 0 keeps the canary running without traffic, and \
         `enabled: false` removes it.",
    ),
    warning(
        "service:cpu-metric-without-reservation",
        &[],
        "CPU scaling or a CPU alarm on a service that reserves no CPU",
        "ECS reports a service's CPUUtilization as a percentage of the CPU its tasks reserve: \"Service \
         CPU utilization = (Total CPU units used by tasks in service) x 100 / (Total CPU units specified \
         in task definition) x (number of tasks in service)\" \
         (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html>). A \
         task definition with neither a task `Cpu` nor a container `Cpu` reserves nothing, and AWS \
         documents no denominator for that case: a 60 % scaling target or an 85 % alarm then has no \
         fixed meaning (values above 100 % are reported), so the service scales and alarms at arbitrary \
         loads.\n\nReserve CPU for the container: `cpu:` in CPU units, 1024 = 1 vCPU (e.g. `cpu: 256` — \
         a reservation also makes ECS place tasks only where that much CPU is free, so size it to what \
         the service needs), or scale on `requests_per_target`. The warning is located at the scaling \
         policy or alarm that reads the metric.",
    ),
    error(
        "service:database-credentials-without-database",
        &[],
        "`database_credentials` on a service that does not connect to the database",
        "`database_credentials` (`env` or `secret_arn`) says how a service with `database: true` gets \
         the database's credentials. Without `database: true` the service gets no connection, so the \
         field would do nothing: add `database: true`, or remove it.",
    ),
    error(
        "service:database-missing",
        &["service-database-missing"],
        "`database: true` on a service of a stack without a database",
        "`database: true` connects the service to the stack's database (security group rule, connection \
         variables, secret). The stack has no `database:` block; add one (e.g. \
         `database: {engine: postgres}`), or drop `database: true`.",
    ),
    error(
        "service:database-variable-conflict",
        &["service-database-variable-conflict"],
        "a variable set by `database: true` is also given by hand",
        "`database: true` sets the connection variables (host, port, name, user, password secret) of the \
         service. The same name is given in `environment` or `secrets` too; remove it there.",
    ),
    error(
        "service:name-invalid",
        &["service-name-invalid"],
        "the service name is invalid",
        "Service names become construct names, logical IDs and AWS resource names, so they use letters, \
         digits and hyphens only: `api`, `web-frontend`.",
    ),
    error(
        "service:target-type-mismatch",
        &["service-target-type-mismatch"],
        "the target group's target type does not match the network mode",
        "Tasks in `bridge` mode register as instances (the instance and a dynamic host port); tasks in \
         `awsvpc` mode register by IP address. A target group of the other type would never see a \
         healthy target. Leave `target_group.target_type` out: it follows the network mode.",
    ),
    // ---- sns ----
    error(
        "sns:email-invalid",
        &["topic-email-invalid"],
        "the alarm topic's email address is invalid",
        "The SNS topic's email subscription needs an address such as `ops@example.com`. SNS sends a \
         confirmation message to it; alarms reach it only once confirmed.",
    ),
    // ---- stack ----
    error(
        "stack:account-invalid",
        &["stack-account-invalid"],
        "the stack's account is not a 12-digit AWS account ID",
        "AWS account IDs are exactly 12 digits; quote them in YAML so leading zeros are kept: \
         `account: '012345678901'`.",
    ),
    error(
        "stack:cloudformation-role-arn-invalid",
        &[],
        "`cloudformation_role_arn` is not an IAM role ARN",
        "The CloudFormation service role is given by ARN, `arn:aws:iam::<account>:role/<name>`. \
         CloudFormation then creates, updates and deletes the stack's resources with that role's \
         permissions (`RoleARN` of CreateChangeSet and DeleteStack); the caller needs `iam:PassRole` on \
         it. See <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html>.",
    ),
    error(
        "stack:cross-account-secret-reference",
        &[],
        "a stack reads by name a secret another stack creates in another account (deploy time)",
        "Found by `rcdk deploy` before any call, from the stacks' pinned accounts (`account:`, or the \
         account of `deploy_role_arn`): a template holds `{{resolve:secretsmanager:NAME...}}` and NAME is a \
         secret another stack of the app creates in another account. \"To access a secret in your AWS \
         account, you can use the secret name. To access a secret in a different AWS account, use the ARN of \
         the secret.\" The multi-region CDN lock is such a case: its origin stacks and CDN stack share the \
         origin secret by name. rcdk's own stack inputs cross accounts fine (parameter values read from the \
         producer's outputs in its account).\n\n\
         Fix: deploy the stacks that share the secret to one account, or reference the secret by its full ARN \
         and let the other account read it (resource policy on the secret, and on its KMS key). \
         See <https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html>.",
    ),
    error(
        "stack:dependency-cycle",
        &["stack-dependency-cycle"],
        "stacks depend on each other in a cycle",
        "A stack's outputs can only feed stacks deployed after it, so stack dependencies must form an \
         order. The message shows the cycle; remove one of the references.",
    ),
    error(
        "stack:dependency-unknown",
        &["stack-dependency-unknown"],
        "a stack depends on a stack the app does not have",
        "A stack names another stack (to read its outputs, or to deploy after it) that is not defined. \
         Fix the name, or add the stack.",
    ),
    error(
        "stack:deploy-role-arn-invalid",
        &[],
        "`deploy_role_arn` is not an IAM role ARN",
        "rcdk assumes this role (STS AssumeRole) to deploy and destroy the stack, so stacks pinned to \
         different accounts deploy in one run. Write it as `arn:aws:iam::<12-digit account>:role/<name>` \
         (a path is allowed: `role/ci/rcdk-deploy`). The role must trust the credentials rcdk starts from. \
         See <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-api.html>.",
    ),
    error(
        "stack:description-too-long",
        &["stack-description-too-long"],
        "the template description is too long",
        "CloudFormation accepts a template `Description` of at most 1024 bytes. Shorten it.",
    ),
    error(
        "stack:input-unknown-output",
        &["stack-input-unknown-output"],
        "a stack reads an output the other stack does not have",
        "A parameter of this stack is fed from an output of another stack, and that stack declares no \
         output of that name. Fix the output name; `rcdk synth --stdout` shows each template's outputs.",
    ),
    error(
        "stack:name-duplicate",
        &["stack-name-duplicate"],
        "two stacks have the same name",
        "Stack names are unique across the app and across app files synthesized together: each stack is \
         written to `templates/<name>.yaml` and deployed as the CloudFormation stack `<name>`. Rename one \
         of them.",
    ),
    error(
        "stack:name-invalid",
        &["stack-name-invalid"],
        "the stack name is not a valid CloudFormation stack name",
        "CloudFormation stack names have 1 to 128 letters, digits and hyphens and start with a letter: \
         `shop-prod`.",
    ),
    error(
        "stack:parameter-unknown",
        &["stack-parameter-unknown"],
        "a parameter value for a parameter the template does not declare",
        "`parameters:` gives values to the template's parameters at deploy time; a name the template does not declare would be refused by CloudFormation. Check the spelling against the template's `Parameters`.",
    ),
    error(
        "stack:region-invalid",
        &["stack-region-invalid"],
        "the stack's region is not an AWS region name",
        "Use a region code such as `us-east-1` or `eu-west-1`, not a name like `Ireland`.",
    ),
    error(
        "stack:role-account-mismatch",
        &[],
        "a role of another account than the stack's `account`",
        "`deploy_role_arn` and `cloudformation_role_arn` must be roles of the account the stack is pinned \
         to: rcdk checks after assuming the deploy role that the stack goes to `account`, and CloudFormation \
         only passes a service role of the stack's own account. Use a role in that account, or change \
         `account:`.",
    ),
    error(
        "stack:termination-protection",
        &[],
        "the stack's termination protection would block `rcdk destroy` (destroy time)",
        "Found by `rcdk destroy` (`DescribeStacks`): the stack has termination protection, so \
         CloudFormation refuses to delete it. rcdk refuses first, exit 1, nothing deleted.\n\n\
         Fix: `aws cloudformation update-termination-protection --stack-name NAME \
         --no-enable-termination-protection`, or `rcdk destroy ... --disable-deletion-protection`, which \
         does it after the confirmation. \
         See <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html>.",
    ),
    error(
        "stack:too-many-tags",
        &["stack-too-many-tags"],
        "a resource would have more than 50 tags",
        "CloudFormation applies the stack's tags to every taggable resource, on top of the resource's own (such as `Name`); AWS allows at most 50 tags per resource. Use fewer stack tags.",
    ),
    // ---- vpc ----
    error(
        "vpc:az-conflict",
        &["vpc-az-conflict"],
        "`max_azs` does not match the number of `availability_zones`",
        "With explicit `availability_zones`, the VPC spans exactly those. Drop `max_azs`, or make it \
         match.",
    ),
    error(
        "vpc:az-count",
        &["vpc-az-count"],
        "the number of availability zones is outside 1 to 6",
        "rcdk's VPC spans 1 to 6 Availability Zones (one public and one private subnet in each). Two or \
         more are needed for a load balancer or a database.",
    ),
    error(
        "vpc:az-duplicate",
        &["vpc-az-duplicate"],
        "an availability zone is listed twice",
        "Each Availability Zone gets one public and one private subnet; list each zone once.",
    ),
    error(
        "vpc:az-invalid",
        &["vpc-az-invalid"],
        "an availability zone name is invalid",
        "Availability Zone names are the region code followed by a letter: `eu-west-1a`.",
    ),
    error(
        "vpc:cidr-invalid",
        &["vpc-cidr-invalid"],
        "the VPC CIDR is not an IPv4 network",
        "The VPC CIDR is an IPv4 network address and prefix length, with no host bits set: \
         `10.0.0.0/16`, not `10.0.0.1/16` (the message names the network address).",
    ),
    error(
        "vpc:cidr-size",
        &["vpc-cidr-size"],
        "the VPC CIDR prefix is outside /16 to /28",
        "Amazon VPC allows IPv4 CIDR blocks from /16 (65,536 addresses) to /28 (16 addresses).",
    ),
    error(
        "vpc:endpoint-duplicate",
        &["vpc-endpoint-duplicate"],
        "a VPC endpoint is listed twice",
        "A VPC has at most one endpoint per service: listing a service twice, or `s3`/`dynamodb` both \
         as a gateway and an interface endpoint, would make two endpoints whose private DNS names \
         clash. List each service once (the gateway endpoints of S3 and DynamoDB cost nothing).",
    ),
    error(
        "vpc:endpoint-invalid",
        &["vpc-endpoint-invalid"],
        "an interface endpoint is not an AWS service endpoint name",
        "`vpc.endpoints.interface` takes the part of the service name after \
         `com.amazonaws.<region>.`, in lower case letters, digits, dots and hyphens: `ecr.api`, \
         `ecr.dkr`, `logs`, `ssm`, `secretsmanager`.",
    ),
    error(
        "vpc:nacl-cidr-invalid",
        &["nacl-cidr-invalid"],
        "a network ACL rule's CIDR is not an IPv4 network",
        "Network ACL rules match an IPv4 network address and prefix, with no host bits set: \
         `10.0.0.0/16`, `0.0.0.0/0`.",
    ),
    error(
        "vpc:nacl-port-missing",
        &["nacl-port-missing"],
        "a TCP or UDP network ACL rule has no port",
        "TCP and UDP rules match a port range; set `from_port` (and `to_port` for a range).",
    ),
    error(
        "vpc:nacl-port-range",
        &["nacl-port-range"],
        "a network ACL port range is empty or starts at 0",
        "A port range goes from `from_port` to `to_port`, both 1 to 65535, with `from_port` first. \
         Remember return traffic: allow the ephemeral ports 1024-65535 in the other direction.",
    ),
    error(
        "vpc:nacl-port-unexpected",
        &["nacl-port-unexpected"],
        "a port is set on a network ACL rule that is not TCP or UDP",
        "Only TCP and UDP rules have ports. Remove `from_port`/`to_port`, or set the protocol.",
    ),
    error(
        "vpc:nacl-rule-duplicate",
        &["nacl-rule-duplicate"],
        "two network ACL rules of one direction have the same number",
        "Network ACL rules are evaluated in rule-number order, and each number is used once per \
         direction. Number rules with gaps (100, 110, 120) so you can insert one later.",
    ),
    error(
        "vpc:nacl-rule-number",
        &["nacl-rule-number"],
        "a network ACL rule number is outside 1 to 32766",
        "Network ACL rule numbers are 1 to 32766; 32767 is the implicit deny-all rule.",
    ),
    error(
        "vpc:nacl-too-many-rules",
        &["nacl-too-many-rules"],
        "a network ACL has more than 20 rules in one direction",
        "Amazon VPC allows 20 rules per network ACL per direction by default (inbound and outbound are \
         counted apart). Merge rules with wider CIDRs or port ranges.",
    ),
    error(
        "vpc:nat-count",
        &["vpc-nat-count"],
        "more NAT gateways than availability zones",
        "A NAT gateway lives in one AZ's public subnet; more than one per AZ adds cost and no \
         availability. Use at most one per AZ (one per AZ, the default, survives an AZ failure; \
         `nat_gateways: 1` is cheapest, at about $33 a month for each gateway saved).",
    ),
    error(
        "vpc:subnet-cidr-invalid",
        &["subnet-cidr-invalid"],
        "a subnet CIDR is not an IPv4 network",
        "Subnet CIDRs are IPv4 network addresses with a prefix length and no host bits set, inside the \
         VPC's CIDR: `10.0.0.0/24`.",
    ),
    error(
        "vpc:subnet-cidr-size",
        &["subnet-cidr-size"],
        "a subnet CIDR prefix is outside /16 to /28",
        "Amazon VPC allows subnet CIDR blocks from /16 to /28.",
    ),
    error(
        "vpc:subnet-count",
        &["vpc-subnet-count"],
        "the number of subnet CIDRs does not match the availability zones",
        "Explicit `public_subnet_cidrs` and `private_subnet_cidrs` give one CIDR per Availability Zone, \
         in zone order.\n\n\
         ```yaml\nvpc:\n  max_azs: 2\n  public_subnet_cidrs: [10.0.0.0/24, 10.0.1.0/24]\n```",
    ),
    error(
        "vpc:subnet-no-space",
        &["subnet-no-space"],
        "the VPC CIDR has no room for the subnets",
        "rcdk places one public and one private subnet of the given prefix per AZ in the VPC's CIDR, and \
         they do not fit. Use a larger VPC CIDR, fewer AZs or smaller subnets (a longer prefix).",
    ),
    error(
        "vpc:subnet-outside-vpc",
        &["subnet-outside-vpc"],
        "a subnet is not inside the VPC's CIDR",
        "A subnet's CIDR must be within the VPC's CIDR block.",
    ),
    error(
        "vpc:subnet-overlap",
        &["subnet-overlap"],
        "two subnets overlap",
        "Subnets of a VPC cannot share addresses. Give each subnet its own block; the message names the \
         other subnet.",
    ),
    error(
        "vpc:subnet-prefix-invalid",
        &["subnet-prefix-invalid"],
        "the subnet prefix length does not fit the VPC",
        "`public_subnet_prefix` and `private_subnet_prefix` are /16 to /28 and no larger than the VPC \
         itself (a /24 VPC cannot hold /20 subnets).",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        for pair in DIAGNOSTICS.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} must come after {}", pair[0].code, pair[1].code);
        }
    }

    #[test]
    fn codes_are_namespaced_kebab_case() {
        let kebab = |s: &str| {
            !s.is_empty()
                && s.split('-')
                    .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        };
        for d in DIAGNOSTICS {
            let (ns, name) = d.code.split_once(':').unwrap_or_else(|| panic!("{} has no namespace", d.code));
            assert!(kebab(ns) && kebab(name), "{} is not namespace:kebab-case", d.code);
            assert!(!d.title.contains('\n') && !d.title.is_empty(), "{}: title is one line", d.code);
            assert!(!d.explanation.trim().is_empty(), "{}: explanation is empty", d.code);
        }
    }

    #[test]
    fn former_codes_are_unique_and_not_current() {
        let mut seen = std::collections::BTreeSet::new();
        for d in DIAGNOSTICS {
            for f in d.formerly {
                assert!(seen.insert(*f), "former code {f} is claimed twice");
                assert!(DIAGNOSTICS.binary_search_by(|x| x.code.cmp(f)).is_err(), "{f} is both former and current");
            }
        }
    }

    #[test]
    fn lookup_by_code_and_former_code() {
        assert_eq!(lookup("vpc:cidr-invalid").map(|d| d.code), Some("vpc:cidr-invalid"));
        assert_eq!(lookup("vpc-cidr-invalid").map(|d| d.code), Some("vpc:cidr-invalid"));
        assert_eq!(lookup("rule-priority-duplicate").map(|d| d.code), Some("elbv2:rule-priority-duplicate"));
        assert_eq!(lookup("schema").map(|d| d.code), Some("app-file:schema"));
        assert_eq!(lookup("no-such-code"), None);
    }
}
