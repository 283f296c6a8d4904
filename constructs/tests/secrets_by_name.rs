//! A container secret may name an SSM parameter of the stack's own account
//! and region by its full name (`/weather-api/openweather-key`), so app files
//! need no pasted account ID: ECS reads it by name, and the execution role
//! may read exactly that parameter, its ARN built from the stack's pseudo
//! parameters.

mod support;

use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::Format;
use serde_json::{json, Value};

fn app(secret: &str) -> String {
    format!(
        "stacks:\n  - name: api\n    region: eu-central-1\n    vpc: {{max_azs: 2}}\n    services:\n      weather:\n        image: nginx:1.27\n        secrets:\n          API_KEY: {secret}\n"
    )
}

fn synth(yaml: &str) -> Result<Vec<rcdk_constructs::core::SynthesizedStack>, rcdk_constructs::Errors> {
    let props: AppProps = serde_yaml::from_str(yaml).expect("app parses");
    props.synth(Format::Json)
}

#[test]
fn a_parameter_name_is_read_by_name_and_granted_by_its_arn_in_the_stacks_account() {
    let stacks = synth(&app("/weather-api/openweather-key")).unwrap_or_else(|e| panic!("synth failed: {e}"));
    let t: Value = serde_json::from_str(&stacks[0].body).expect("JSON");
    let container = &t["Resources"]["WeatherTaskDefinition"]["Properties"]["ContainerDefinitions"][0];
    assert_eq!(container["Secrets"], json!([{"Name": "API_KEY", "ValueFrom": "/weather-api/openweather-key"}]));
    let statements = t["Resources"]["WeatherTaskDefinitionExecutionRole"]["Properties"]["Policies"][0]
        ["PolicyDocument"]["Statement"]
        .as_array()
        .expect("statements")
        .clone();
    let ssm: Vec<&Value> = statements.iter().filter(|s| s["Action"] == "ssm:GetParameters").collect();
    assert_eq!(ssm.len(), 1, "{statements:?}");
    assert_eq!(
        ssm[0]["Resource"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/weather-api/openweather-key"})
    );
    let dir = tempfile::tempdir().expect("temp dir");
    support::lint_body(dir.path(), &stacks[0].file_name(), &stacks[0].body);
}

#[test]
fn a_malformed_name_is_refused_where_it_is_written() {
    for bad in ["/weather-api//key", "/weather api/key", "/aws/reserved", "weather-api/key"] {
        let e = synth(&app(&format!("\"{bad}\""))).expect_err(bad);
        let codes: Vec<(&str, String)> = e.0.iter().map(|e| (e.code.as_str(), e.field.to_string())).collect();
        assert_eq!(codes, vec![("ecs:secret-arn", "stacks[0].services.weather.secrets.API_KEY".to_owned())], "{bad}");
    }
}
