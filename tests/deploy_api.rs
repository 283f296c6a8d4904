//! The deploy library API against a real moto_server, with hand-built
//! templates for what no construct declares yet: parameters, a deploy that
//! fails, a template over 51,200 bytes (through moto's S3).
//!
//! One test function: the SDK reads credentials from the process
//! environment, which is set once here.

#![cfg(feature = "aws")]

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use rcdk::aws;
use rcdk::cli::{AwsArgs, ChangeSetFormat, RequireApproval};
use rcdk::deploy::cleanup::{self, Debris, Leftover};
use rcdk::deploy::{deploy, plan, DeployOptions, Outcome, Target};
use rcdk::stacks::StackArtifact;
use rcdk_constructs::cfn::{Format, Intrinsic, Output, Parameter, ParameterType, Resource, Template};
use support::moto::{Moto, FAKE_AWS_ENV};

fn stack(name: &str, template: Template) -> StackArtifact {
    StackArtifact {
        name: name.into(),
        region: Some("eu-west-1".into()),
        account: None,
        parameters: BTreeMap::new(),
        tags: BTreeMap::new(),
        inputs: Vec::new(),
        depends_on: Vec::new(),
        body: template.render(Format::Yaml).expect("renders"),
        format: Format::Yaml,
        deploy_role_arn: None,
        cloudformation_role_arn: None,
    }
}

/// One target through the same planning step `rcdk deploy` uses.
fn target(stack: StackArtifact, parameters: &[(&str, &str)]) -> Target {
    let flags: Vec<String> = parameters.iter().map(|(k, v)| format!("{k}={v}")).collect();
    plan::targets(vec![stack], "test", &[], &flags).expect("plans").remove(0)
}

fn log_group_template(retention: &str) -> Template {
    let mut t = Template::new();
    t.parameters.insert("Env".into(), Parameter::new(ParameterType::String).description("environment"));
    t.parameters.insert("Retention".into(), Parameter::new(ParameterType::Number).default_value(retention));
    t.resources.insert(
        "Logs".into(),
        Resource::new("AWS::Logs::LogGroup")
            .prop("LogGroupName", Intrinsic::sub("/rcdk/${Env}"))
            .prop("RetentionInDays", Intrinsic::ref_("Retention")),
    );
    t.outputs.insert("LogGroup".into(), Output::new(Intrinsic::ref_("Logs"), "the log group"));
    t
}

#[test]
fn library_deploys_parameters_failures_and_large_templates() {
    for (k, v) in FAKE_AWS_ENV {
        std::env::set_var(k, v);
    }
    let moto = Moto::start();
    let options = DeployOptions {
        aws: AwsArgs { region: None, profile: None, endpoint_url: Some(moto.url()) },
        yes: true,
        no_execute: false,
        force: false,
        require_approval: RequireApproval::Never,
        execute_change_set: None,
        template_bucket: None,
        format: ChangeSetFormat::Text,
        timeout: Duration::from_secs(120),
        concurrency: 4,
        source: vec!["app.yaml".into()],
        stage: None,
        outputs_file: None,
        role_arn: None,
    };
    let runtime = aws::runtime().expect("runtime");
    let aws = runtime.block_on(aws::Aws::connect(&options.aws, Some("eu-west-1"))).expect("config");

    // Parameters: the value reaches CloudFormation.
    let target = target(stack("params", log_group_template("7")), &[("Env", "prod")]);
    let reports = runtime.block_on(deploy(vec![target.clone()], &options)).expect("deploys");
    assert!(matches!(&reports[0].outcome, Outcome::Deployed { status, .. } if status == "CREATE_COMPLETE"));
    let deployed = runtime.block_on(aws.describe_stack("params")).expect("reads").expect("exists");
    let values: BTreeMap<_, _> = deployed.parameters.iter().cloned().collect();
    assert_eq!(values.get("Env").map(String::as_str), Some("prod"), "{values:?}");

    // Same template and parameters: no changes (moto answers CreateChangeSet
    // with "No updates are to be performed." when parameters are passed).
    let reports = runtime.block_on(deploy(vec![target.clone()], &options)).expect("no change is success");
    assert_eq!(reports[0].outcome, Outcome::NoChanges);

    // Another value: an update.
    let stage = self::target(stack("params", log_group_template("7")), &[("Env", "stage")]);
    let reports = runtime.block_on(deploy(vec![stage], &options)).expect("updates");
    assert!(matches!(&reports[0].outcome, Outcome::Deployed { status, .. } if status == "UPDATE_COMPLETE"));

    // A failing deploy: Fn::GetAtt of a resource moto skips (network ACL).
    // moto rejects ExecuteChangeSet itself instead of rolling the stack back,
    // so the failure is AWS's (moto's) message, exit 1.
    let mut t = Template::new();
    t.resources.insert("Vpc".into(), Resource::new("AWS::EC2::VPC").prop("CidrBlock", "10.0.0.0/16"));
    t.resources.insert("Acl".into(), Resource::new("AWS::EC2::NetworkAcl").prop("VpcId", Intrinsic::ref_("Vpc")));
    t.resources.insert(
        "Logs".into(),
        Resource::new("AWS::Logs::LogGroup").prop("LogGroupName", Intrinsic::get_att("Acl", "Id")),
    );
    let failing = self::target(stack("failing", t), &[]);
    let err = runtime.block_on(deploy(vec![failing], &options)).expect_err("fails");
    assert_eq!(err.exit, 1);
    assert!(err.message.starts_with("executing change set rcdk-"), "{}", err.message);
    assert!(err.message.contains("Fn::GetAtt references undefined resource Acl"), "{}", err.message);

    // Over 51,200 bytes: uploaded to the default bucket (created with public
    // access blocked and encryption), passed as TemplateURL.
    let mut big = Template::new();
    for i in 0..400 {
        big.resources.insert(
            format!("LogGroup{i:03}"),
            Resource::new("AWS::Logs::LogGroup")
                .prop("LogGroupName", format!("/rcdk/large-template-test/a-fairly-long-log-group-name-{i:03}"))
                .prop("RetentionInDays", 30),
        );
    }
    let big = stack("large", big);
    assert!(big.body.len() > 51_200, "{} bytes", big.body.len());
    let body = big.body.clone();
    let reports = runtime.block_on(deploy(vec![self::target(big.clone(), &[])], &options)).expect("deploys through S3");
    assert!(matches!(&reports[0].outcome, Outcome::Deployed { status, .. } if status == "CREATE_COMPLETE"));
    let deployed = runtime.block_on(aws.deployed_template("large")).expect("reads").expect("exists");
    assert_eq!(deployed, body);
    // Read back through rcdk's signed client (REST-XML).
    let bucket = "rcdk-templates-123456789012-eu-west-1"; // moto's account
    let s3_xml = |query: &str| -> aws::xml::Element {
        let out = runtime.block_on(aws.api().s3("GET", bucket, "", query, Vec::new())).expect(query);
        aws::xml::Element::parse(&String::from_utf8_lossy(&out.body)).expect("XML")
    };
    let pab = s3_xml("publicAccessBlock");
    let flags: Vec<Option<String>> =
        ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]
            .iter()
            .map(|f| pab.text_of(f))
            .collect();
    assert_eq!(flags, vec![Some("true".to_owned()); 4], "public access blocked: {pab:?}");
    let enc = s3_xml("encryption");
    assert_eq!(enc.find("SSEAlgorithm").map(|e| e.text.as_str()), Some("AES256"), "{enc:?}");

    // A lifecycle rule expires old template copies.
    let lifecycle = s3_xml("lifecycle");
    let rule = lifecycle
        .all("Rule")
        .find(|r| r.text_of("ID").as_deref() == Some(aws::TEMPLATE_EXPIRY_RULE_ID))
        .expect("rcdk's rule");
    assert_eq!(rule.text_at(&["Expiration", "Days"]), Some(aws::TEMPLATE_EXPIRY_DAYS.to_string()));
    assert_eq!(rule.text_of("Status").as_deref(), Some("Enabled"));

    // Content-addressed: the same body again (no changes) uploads nothing
    // new; a changed body is a second object.
    let keys = |runtime: &tokio::runtime::Runtime| -> Vec<String> {
        let out = runtime
            .block_on(aws.api().s3("GET", bucket, "", "list-type=2&prefix=large%2F", Vec::new()))
            .expect("lists");
        let list = aws::xml::Element::parse(&String::from_utf8_lossy(&out.body)).expect("XML");
        list.all("Contents").filter_map(|o| o.text_of("Key")).collect()
    };
    let first = keys(&runtime);
    assert_eq!(first, vec![plan::template_key("large", &body, "yaml")]);
    let reports = runtime.block_on(deploy(vec![self::target(big.clone(), &[])], &options)).expect("no changes");
    assert_eq!(reports[0].outcome, Outcome::NoChanges);
    assert_eq!(keys(&runtime), first, "the same template is not uploaded again");
    let mut changed = big;
    changed.body = changed.body.replace("RetentionInDays: 30", "RetentionInDays: 14");
    let reports = runtime.block_on(deploy(vec![self::target(changed, &[])], &options)).expect("updates");
    assert!(matches!(&reports[0].outcome, Outcome::Deployed { status, .. } if status == "UPDATE_COMPLETE"));
    assert_eq!(keys(&runtime).len(), 2, "a changed template is a new object");

    // Cleanup that cannot reach CloudFormation says exactly what is left and
    // the commands that remove it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let gone = format!("http://127.0.0.1:{port}");
    let args = AwsArgs { region: None, profile: None, endpoint_url: Some(gone.clone()) };
    let unreachable = runtime.block_on(aws::Aws::connect(&args, Some("eu-west-1"))).expect("session");
    let leftover = Leftover {
        stack: "web".into(),
        change_set: "rcdk-1-abcdefgh".into(),
        id: None,
        created_stack: true,
        aws: std::sync::Arc::new(unreachable),
    };
    let debris = Debris::default();
    debris.add(leftover);
    let left = runtime.block_on(cleanup::remove(&debris, "web")).expect_err("cannot reach the endpoint");
    assert!(
        left.starts_with(&format!(
            "left behind:\n  change set rcdk-1-abcdefgh of stack `web` and the REVIEW_IN_PROGRESS stack `web` it created ({gone}) (cleanup failed: "
        )),
        "{left}"
    );
    assert!(
        left.ends_with(&format!(
            "remove with:\n  aws cloudformation delete-change-set --stack-name web --change-set-name rcdk-1-abcdefgh --region eu-west-1 --endpoint-url {gone}\n  aws cloudformation delete-stack --stack-name web --region eu-west-1 --endpoint-url {gone}"
        )),
        "{left}"
    );
}
