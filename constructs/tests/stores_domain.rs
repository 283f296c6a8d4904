//! Image repositories, DynamoDB tables, S3 buckets and domains (issue 15):
//! the secure defaults are in the template, invalid props are refused with
//! located errors, and the templates pass the pinned cfn-lint with no error
//! and no warning.

mod support;

use support::{app_template as template, synth_app as synth};

use rcdk_constructs::cfn::Format;
use serde_json::{json, Value};

const APP: &str = r#"
stacks:
  - name: seeds
    region: eu-west-1
    vpc: {max_azs: 2}
    load_balancer:
      domain: {name: api.example.com, hosted_zone_id: Z0123456789ABCDEFGHIJ, alternative_names: [www.example.com]}
    repositories:
      todo-main: {}
      team/files: {keep_images: 10, mutable_tags: true, delete_on_removal: true}
    tables:
      todos: {partition_key: {name: userId}, sort_key: {name: todoId}}
      sessions: {partition_key: {name: id, type: number}, billing_mode: provisioned, ttl_attribute: expires}
    buckets:
      files: {}
      scratch: {versioned: false}
    services:
      web: {image: "nginx:1.27"}
"#;

fn errors(yaml: &str) -> Vec<(String, String)> {
    match synth(yaml, Format::Yaml) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.0.iter().map(|e| (e.code.to_string(), e.field.to_string())).collect(),
    }
}

#[test]
fn repositories_are_immutable_scanned_encrypted_expiring_and_retained() {
    let t = template(APP);
    let repo = &t["Resources"]["TodoMainRepository"];
    assert_eq!(repo["Type"], "AWS::ECR::Repository");
    // Kept, except by the rollback of the deploy that created it: a failed
    // first deploy must not leave a repository whose fixed name fails the retry.
    assert_eq!(repo["DeletionPolicy"], "RetainExceptOnCreate");
    assert_eq!(repo["UpdateReplacePolicy"], "Retain");
    let p = &repo["Properties"];
    assert_eq!(p["RepositoryName"], "todo-main");
    assert_eq!(p["ImageTagMutability"], "IMMUTABLE");
    assert_eq!(p["ImageScanningConfiguration"], json!({"ScanOnPush": true}));
    assert_eq!(p["EncryptionConfiguration"], json!({"EncryptionType": "AES256"}));
    let rule: Value =
        serde_json::from_str(p["LifecyclePolicy"]["LifecyclePolicyText"].as_str().expect("text")).expect("json");
    assert_eq!(rule["rules"][0]["selection"]["countNumber"], 30);
    assert_eq!(rule["rules"][0]["action"]["type"], "expire");
    let files = &t["Resources"]["TeamFilesRepository"];
    assert_eq!(files["DeletionPolicy"], "Delete");
    assert_eq!(files["Properties"]["ImageTagMutability"], "MUTABLE");
    assert_eq!(files["Properties"]["EmptyOnDelete"], true);
    assert_eq!(
        t["Outputs"]["TodoMainRepositoryUri"]["Value"],
        json!({"Fn::GetAtt": ["TodoMainRepository", "RepositoryUri"]})
    );
}

#[test]
fn tables_are_on_demand_recoverable_protected_encrypted_and_retained() {
    let t = template(APP);
    let table = &t["Resources"]["TodosTable"];
    assert_eq!(table["DeletionPolicy"], "Retain");
    assert_eq!(table["UpdateReplacePolicy"], "Retain");
    let p = &table["Properties"];
    assert_eq!(p["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(p["PointInTimeRecoverySpecification"], json!({"PointInTimeRecoveryEnabled": true}));
    assert_eq!(p["DeletionProtectionEnabled"], true);
    assert_eq!(p["SSESpecification"], json!({"SSEEnabled": true, "SSEType": "KMS"}));
    assert_eq!(
        p["KeySchema"],
        json!([{"AttributeName": "userId", "KeyType": "HASH"}, {"AttributeName": "todoId", "KeyType": "RANGE"}])
    );
    assert!(p.get("TableName").is_none(), "the name is generated, so the table can be replaced");
    let sessions = &t["Resources"]["SessionsTable"]["Properties"];
    assert_eq!(sessions["BillingMode"], "PROVISIONED");
    assert_eq!(sessions["ProvisionedThroughput"], json!({"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}));
    assert_eq!(sessions["AttributeDefinitions"], json!([{"AttributeName": "id", "AttributeType": "N"}]));
    assert_eq!(sessions["TimeToLiveSpecification"], json!({"AttributeName": "expires", "Enabled": true}));
}

#[test]
fn buckets_block_public_access_encrypt_version_and_deny_plain_http() {
    let t = template(APP);
    let bucket = &t["Resources"]["FilesBucket"];
    assert_eq!(bucket["DeletionPolicy"], "Retain");
    let p = &bucket["Properties"];
    assert_eq!(
        p["PublicAccessBlockConfiguration"],
        json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
    );
    assert_eq!(p["VersioningConfiguration"], json!({"Status": "Enabled"}));
    assert_eq!(
        p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"],
        json!({"SSEAlgorithm": "AES256"})
    );
    assert_eq!(p["OwnershipControls"], json!({"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}));
    let policy = &t["Resources"]["FilesBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(policy["Effect"], "Deny");
    assert_eq!(policy["Condition"], json!({"Bool": {"aws:SecureTransport": "false"}}));
    let scratch = &t["Resources"]["ScratchBucket"]["Properties"];
    assert!(scratch.get("VersioningConfiguration").is_none());
    assert!(scratch.get("LifecycleConfiguration").is_none());
}

#[test]
fn a_domain_gives_a_dns_validated_certificate_https_and_alias_records() {
    let t = template(APP);
    let cert = &t["Resources"]["LoadBalancerCertificate"]["Properties"];
    assert_eq!(cert["DomainName"], "api.example.com");
    assert_eq!(cert["ValidationMethod"], "DNS");
    assert_eq!(cert["SubjectAlternativeNames"], json!(["www.example.com"]));
    assert_eq!(
        cert["DomainValidationOptions"],
        json!([
            {"DomainName": "api.example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"},
            {"DomainName": "www.example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"}
        ])
    );
    let https = &t["Resources"]["LoadBalancerHttpsListener"]["Properties"];
    assert_eq!(https["Certificates"], json!([{"CertificateArn": {"Ref": "LoadBalancerCertificate"}}]));
    let http = &t["Resources"]["LoadBalancerHttpListener"]["Properties"];
    assert_eq!(http["DefaultActions"][0]["Type"], "redirect");
    let record = &t["Resources"]["LoadBalancerAliasApiExampleComA"]["Properties"];
    assert_eq!(record["Name"], "api.example.com");
    assert_eq!(record["Type"], "A");
    assert_eq!(record["HostedZoneId"], "Z0123456789ABCDEFGHIJ");
    assert_eq!(
        record["AliasTarget"],
        json!({
            "DNSName": {"Fn::GetAtt": ["LoadBalancer", "DNSName"]},
            "HostedZoneId": {"Fn::GetAtt": ["LoadBalancer", "CanonicalHostedZoneID"]},
            "EvaluateTargetHealth": true
        })
    );
    assert!(t["Resources"].get("LoadBalancerAliasWwwExampleComA").is_some());
    assert!(t["Resources"].get("LoadBalancerAliasApiExampleComAAAA").is_none(), "the load balancer is IPv4 only");
    assert_eq!(t["Outputs"]["LoadBalancerUrl"]["Value"], "https://api.example.com");
}

/// The weather seed's domain is on Cloudflare: no Route 53 zone.
const EXTERNAL_DNS_APP: &str = r#"
stacks:
  - name: weather
    region: eu-west-1
    vpc: {max_azs: 2}
    load_balancer:
      domain: {name: api.whatstheweatherlike.io, external_dns: true, alternative_names: [www.whatstheweatherlike.io]}
    services:
      web: {image: "nginx:1.27"}
"#;

#[test]
fn a_domain_outside_route_53_gets_its_certificate_https_and_the_records_to_create() {
    let t = template(EXTERNAL_DNS_APP);
    let cert = &t["Resources"]["LoadBalancerCertificate"]["Properties"];
    assert_eq!(cert["DomainName"], "api.whatstheweatherlike.io");
    assert_eq!(cert["ValidationMethod"], "DNS");
    assert_eq!(cert["SubjectAlternativeNames"], json!(["www.whatstheweatherlike.io"]));
    assert!(cert.get("DomainValidationOptions").is_none(), "no zone: the user creates the validation record");
    let https = &t["Resources"]["LoadBalancerHttpsListener"]["Properties"];
    assert_eq!(https["Certificates"], json!([{"CertificateArn": {"Ref": "LoadBalancerCertificate"}}]));
    let http = &t["Resources"]["LoadBalancerHttpListener"]["Properties"];
    assert_eq!(http["DefaultActions"][0]["Type"], "redirect", "HTTP redirects to HTTPS as with a zone");
    let resources = t["Resources"].as_object().expect("resources");
    assert!(!resources.values().any(|r| r["Type"] == "AWS::Route53::RecordSet"), "no record in a zone rcdk lacks");
    assert_eq!(t["Outputs"]["LoadBalancerUrl"]["Value"], "https://api.whatstheweatherlike.io");
    assert_eq!(
        t["Outputs"]["LoadBalancerDnsRecords"]["Value"],
        json!({"Fn::Sub": "api.whatstheweatherlike.io CNAME ${LoadBalancer.DNSName}; www.whatstheweatherlike.io CNAME ${LoadBalancer.DNSName}"})
    );
    let dir = tempfile::tempdir().expect("temp dir");
    for stack in synth(EXTERNAL_DNS_APP, Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}")) {
        support::lint_body(dir.path(), &stack.file_name(), &stack.body);
    }
}

#[test]
fn a_domain_needs_a_zone_or_external_dns_and_not_both() {
    let missing = errors(
        "stacks:\n  - name: w\n    vpc: {max_azs: 2}\n    load_balancer:\n      domain: {name: api.example.com}\n",
    );
    assert!(
        missing.contains(&("acm:domain-zone-missing".into(), "stacks[0].load_balancer.domain.hosted_zone_id".into())),
        "{missing:?}"
    );
    let both = errors(
        "stacks:\n  - name: w\n    vpc: {max_azs: 2}\n    load_balancer:\n      domain: {name: api.example.com, hosted_zone_id: Z0123456789ABCDEFGHIJ, external_dns: true}\n",
    );
    assert!(
        both.contains(&("acm:domain-zone-conflict".into(), "stacks[0].load_balancer.domain.external_dns".into())),
        "{both:?}"
    );
}

#[test]
fn invalid_stores_and_domains_are_located() {
    let got = errors(
        r#"
stacks:
  - name: bad
    vpc: {max_azs: 2}
    load_balancer:
      domain: {name: "api..example.com", hosted_zone_id: "/hostedzone/Z1", alternative_names: [www.example.com, www.example.com]}
      https: false
    repositories:
      Todo: {keep_images: 0}
    tables:
      t: {partition_key: {name: id}, sort_key: {name: id}, read_capacity: 3}
    buckets:
      b: {versioned: false, noncurrent_version_expiration_days: 30}
"#,
    );
    let expect = [
        ("acm:domain-name-invalid", "stacks[0].load_balancer.domain.name"),
        ("acm:domain-name-duplicate", "stacks[0].load_balancer.domain.alternative_names[1]"),
        ("acm:hosted-zone-id-invalid", "stacks[0].load_balancer.domain.hosted_zone_id"),
        ("elbv2:https-certificate-unused", "stacks[0].load_balancer.https"),
        ("ecr:repository-name-invalid", "stacks[0].repositories.Todo"),
        ("ecr:keep-images-invalid", "stacks[0].repositories.Todo.keep_images"),
        ("dynamodb:key-duplicate", "stacks[0].tables.t.sort_key.name"),
        ("dynamodb:capacity-on-demand", "stacks[0].tables.t.read_capacity"),
        ("s3:noncurrent-expiration-unversioned", "stacks[0].buckets.b.noncurrent_version_expiration_days"),
    ];
    for (code, field) in expect {
        assert!(got.iter().any(|(c, f)| c == code && f == field), "missing {code} at {field}; got {got:#?}");
    }
}

#[test]
fn templates_pass_cfn_lint() {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in [Format::Yaml, Format::Json] {
        for stack in synth(APP, format).unwrap_or_else(|e| panic!("synth failed: {e}")) {
            support::lint_body(dir.path(), &stack.file_name(), &stack.body);
        }
    }
}

const CDN_APP: &str = r#"
stacks:
  - name: web
    regions: [us-east-1, eu-west-1]
    vpc: {max_azs: 2}
    services:
      web: {image: "public.ecr.aws/example/web:v1"}
    cdn:
      domain: {name: www.example.com, hosted_zone_id: Z0123456789ABCDEFGHIJ, alternative_names: [example.com]}
"#;

#[test]
fn a_cdn_domain_gives_a_us_east_1_certificate_aliases_and_ipv4_and_ipv6_records() {
    let stacks = synth(CDN_APP, Format::Json).unwrap_or_else(|e| panic!("synth failed: {e}"));
    let cdn = stacks.iter().find(|s| s.name() == "web-cdn").expect("CDN stack");
    assert_eq!(cdn.props.region.as_deref(), Some("us-east-1"));
    let t: Value = serde_json::from_str(&cdn.body).expect("JSON");
    let cert = &t["Resources"]["CdnCertificate"]["Properties"];
    assert_eq!(cert["DomainName"], "www.example.com");
    let config = &t["Resources"]["Cdn"]["Properties"]["DistributionConfig"];
    assert_eq!(config["Aliases"], json!(["www.example.com", "example.com"]));
    assert_eq!(config["ViewerCertificate"]["AcmCertificateArn"], json!({"Ref": "CdnCertificate"}));
    for record in
        ["CdnAliasWwwExampleComA", "CdnAliasWwwExampleComAAAA", "CdnAliasExampleComA", "CdnAliasExampleComAAAA"]
    {
        let r = &t["Resources"][record]["Properties"];
        assert_eq!(r["AliasTarget"]["HostedZoneId"], "Z2FDTNDATAQYW2", "{record}");
        assert_eq!(r["AliasTarget"]["EvaluateTargetHealth"], false, "{record}");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    support::lint_body(dir.path(), &cdn.file_name(), &cdn.body);
}

#[test]
fn a_cdn_domain_outside_us_east_1_or_with_its_own_certificate_is_refused() {
    let got = errors(
        r#"
stacks:
  - name: origin-a
    region: eu-west-1
    vpc: {max_azs: 2}
    services: {web: {image: "nginx:1.27"}}
  - name: origin-b
    region: eu-west-2
    vpc: {max_azs: 2}
    services: {web: {image: "nginx:1.27"}}
  - name: edge
    region: eu-west-1
    origin_stacks: [origin-a, origin-b]
    cdn:
      domain: {name: www.example.com, hosted_zone_id: Z0123456789ABCDEFGHIJ}
      aliases: [www.example.com]
"#,
    );
    for (code, field) in
        [("cloudfront:domain-region", "stacks[2].cdn.domain"), ("cloudfront:domain-conflict", "stacks[2].cdn.aliases")]
    {
        assert!(got.iter().any(|(c, f)| c == code && f == field), "missing {code} at {field}; got {got:#?}");
    }
}

#[test]
fn grants_give_least_privilege_statements_and_store_names_to_the_service_and_its_canary() {
    let t = template(
        r#"
stacks:
  - name: g
    region: us-east-1
    vpc: {max_azs: 2}
    tables: {todos: {partition_key: {name: userId}}}
    buckets: {files: {}}
    services:
      main:
        image: "nginx:1.27"
        grants: {tables: {todos: read}, buckets: {files: read_write}}
        canary: {image: "nginx:1.28", percent: 10}
"#,
    );
    for (td, role) in [
        ("MainTaskDefinition", "MainTaskDefinitionTaskRole"),
        ("MainCanaryTaskDefinition", "MainCanaryTaskDefinitionTaskRole"),
    ] {
        let env = &t["Resources"][td]["Properties"]["ContainerDefinitions"][0]["Environment"];
        assert_eq!(
            env,
            &json!([
                {"Name": "AWS_DEFAULT_REGION", "Value": {"Ref": "AWS::Region"}},
                {"Name": "AWS_REGION", "Value": {"Ref": "AWS::Region"}},
                {"Name": "FILES_BUCKET", "Value": {"Ref": "FilesBucket"}},
                {"Name": "TODOS_TABLE", "Value": {"Ref": "TodosTable"}}
            ]),
            "{td}"
        );
        let statements = &t["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
        let actions: Vec<&str> = statements
            .as_array()
            .expect("statements")
            .iter()
            .flat_map(|s| match &s["Action"] {
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>(),
                Value::String(a) => vec![a.as_str()],
                _ => vec![],
            })
            .collect();
        assert!(
            actions.contains(&"dynamodb:Query") && !actions.contains(&"dynamodb:PutItem"),
            "read only: {actions:?}"
        );
        assert!(actions.contains(&"s3:PutObject") && actions.contains(&"s3:GetObject"), "{actions:?}");
        assert!(!actions.iter().any(|a| a.ends_with(":*")), "no wildcards: {actions:?}");
    }
}

#[test]
fn grants_to_unknown_stores_or_clashing_variables_are_located() {
    let got = errors(
        r#"
stacks:
  - name: g
    vpc: {max_azs: 2}
    tables: {todos: {partition_key: {name: userId}}}
    services:
      main:
        image: "nginx:1.27"
        environment: {TODOS_TABLE: x}
        grants: {tables: {todos: read, nope: read}, buckets: {files: read}}
"#,
    );
    for (code, field) in [
        ("app:grant-unknown-table", "stacks[0].services.main.grants.tables.nope"),
        ("app:grant-unknown-bucket", "stacks[0].services.main.grants.buckets.files"),
        ("app:grant-environment-conflict", "stacks[0].services.main.environment.TODOS_TABLE"),
    ] {
        assert!(got.iter().any(|(c, f)| c == code && f == field), "missing {code} at {field}; got {got:#?}");
    }
}
