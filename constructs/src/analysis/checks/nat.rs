//! Legal but risky: one NAT gateway carrying the outbound traffic of
//! several availability zones.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::analysis::check::{Scope, Sink};
use crate::analysis::model::{prop, V};

/// Warns about NAT gateways shared by the private subnets of several zones.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let doc = scope.doc();
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
            let f = sink.report(
                crate::ec2::vpc::Code::NatSharedAcrossAzs,
                nat,
                format!(
                    "NAT gateway {nat} carries the outbound traffic of private subnets in {} availability zones: if its zone fails, \
                     every zone loses its way out (and cross-zone traffic is billed)",
                    azs.len()
                ),
                "give each zone's private route table a NAT gateway in a public subnet of the same zone, or reach AWS services \
                 through VPC endpoints"
                    .into(),
            );
            f.field = Some("nat_gateways");
        }
    }
}
