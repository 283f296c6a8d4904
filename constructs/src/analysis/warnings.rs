//! Legal but risky: alarms that notify nobody, one NAT gateway for several zones.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::codes;
use super::model::{prop, Doc, V};
use super::network::Net;
use super::Sink;

pub(crate) fn check(doc: &Doc<'_>, _net: &Net<'_, '_>, sink: &mut Sink<'_>) {
    let silent: Vec<&str> = doc
        .of_type("AWS::CloudWatch::Alarm")
        .filter(|r| {
            ["AlarmActions", "OKActions", "InsufficientDataActions"]
                .iter()
                .all(|k| r.props.get(k).is_none_or(|v| v.as_array().is_some_and(Vec::is_empty)))
        })
        .map(|r| r.id)
        .collect();
    if !silent.is_empty() {
        let f = sink.warning(
            codes::ALARM_SILENT,
            "",
            format!(
                "{} alarm(s) have no actions: when they fire, nobody is told ({})",
                silent.len(),
                silent.join(", ")
            ),
            "give the stack an alarm topic (`alarms: {email: ...}`), or set the alarms' AlarmActions".into(),
        );
        f.field = Some("alarms");
    }
    // NAT gateway → the zones of the subnets whose default route goes through it.
    let mut subnets_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in doc.of_type("AWS::EC2::SubnetRouteTableAssociation") {
        if let (V::Ref(s), V::Ref(t)) = (prop(doc, r, "SubnetId"), prop(doc, r, "RouteTableId")) {
            subnets_of.entry(t).or_default().push(s);
        }
    }
    let mut zones: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for r in doc.of_type("AWS::EC2::Route") {
        if prop(doc, r, "DestinationCidrBlock").as_str() != Some("0.0.0.0/0") {
            continue;
        }
        let (V::Ref(nat), V::Ref(table)) = (prop(doc, r, "NatGatewayId"), prop(doc, r, "RouteTableId")) else {
            continue;
        };
        for s in subnets_of.get(table).into_iter().flatten() {
            let Some(subnet) = doc.res(s) else { continue };
            let zone = match prop(doc, subnet, "AvailabilityZone") {
                V::Str(z) => z.into_owned(),
                V::Az(i) => format!("#{i}"),
                _ => continue,
            };
            zones.entry(nat).or_default().insert(zone);
        }
    }
    for (nat, azs) in zones {
        if azs.len() > 1 {
            let f = sink.warning(
                codes::NAT_SHARED,
                nat,
                format!(
                    "NAT gateway {nat} carries the outbound traffic of private subnets in {} availability zones: if its zone fails, \
                     every zone loses its way out (and cross-zone traffic is billed)",
                    azs.len()
                ),
                "one NAT gateway per zone (`vpc.nat_gateways` equal to the number of zones), or VPC endpoints (`vpc.endpoints`)".into(),
            );
            f.field = Some("nat_gateways");
        }
    }
}
