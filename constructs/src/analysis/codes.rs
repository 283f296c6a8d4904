//! The stable codes of the analysis' findings, in one place. `net-*` is the
//! network path, `cdn-*` CloudFront and its origins, `region-*` what must
//! match the stack's region, `ec2-*` instances, `mon-*` monitoring.

/// Error: the load balancer's security groups admit nothing on a listener's port.
pub const LISTENER_UNREACHABLE: &str = "net:listener-unreachable";
/// Error: no security group rule admits the load balancer to a target's port.
pub const LB_TO_TARGET: &str = "net:lb-to-target-blocked";
/// Error: the load balancer's restricted egress does not reach a target's port.
pub const LB_EGRESS: &str = "net:lb-egress-blocked";
/// Error: a service's target group has no listener or rule forwarding to it.
pub const TARGET_GROUP_ORPHAN: &str = "net:target-group-orphan";
/// Error: a service's load-balancer binding names a container or port its task definition lacks.
pub const CONTAINER_MISMATCH: &str = "net:service-container-mismatch";
/// Error: a target group's `TargetType` does not fit the task definition's network mode.
pub const TARGET_TYPE_MISMATCH: &str = "net:target-type-mismatch";
/// Error: a network ACL drops the stack's own traffic (either direction).
pub const NACL_BLOCKED: &str = "net:nacl-blocked";
/// Error: ECS instances have no way to ECS, ECR, CloudWatch Logs and S3.
pub const NO_EGRESS: &str = "net:instances-no-egress";
/// Error: instances route through an internet gateway without a public IP.
pub const NO_PUBLIC_IP: &str = "net:instances-no-public-ip";
/// Error: a service using the database is not admitted by its security group.
pub const DB_UNREACHABLE: &str = "net:database-unreachable";
/// Error: the database admits traffic from anywhere.
pub const DB_OPEN: &str = "net:database-open";
/// Error: the database admits a security group or network beyond the services that use it.
pub const DB_OTHERS: &str = "net:database-admits-others";
/// Error: an interface VPC endpoint's security groups do not admit the ECS instances on HTTPS.
pub const ENDPOINT_BLOCKED: &str = "net:endpoint-blocked";
/// Error: an HTTPS origin whose load balancer has no HTTPS listener on the port.
pub const CDN_NO_HTTPS: &str = "cdn:origin-no-https-listener";
/// Error: an HTTP origin whose load balancer has no HTTP listener on the port.
pub const CDN_NO_HTTP: &str = "cdn:origin-no-http-listener";
/// Error: an HTTP origin whose HTTP listener redirects to HTTPS: a redirect loop.
pub const CDN_REDIRECT_LOOP: &str = "cdn:origin-redirect-loop";
/// Error: an internal load balancer as a CloudFront origin.
pub const CDN_INTERNAL: &str = "cdn:origin-internal";
/// Error: the origin's security groups do not admit CloudFront.
pub const CDN_BLOCKED: &str = "cdn:origin-blocked";
/// Error: a CloudFront certificate outside us-east-1.
pub const CDN_CERT_REGION: &str = "cdn:certificate-region";
/// Warning: a CDN origin anyone can reach directly, bypassing CloudFront (and its WAF).
pub const CDN_BYPASS: &str = "cdn:origin-bypass";
/// Error: a load balancer certificate from another region.
pub const CERT_REGION: &str = "region:certificate-mismatch";
/// Error: an availability zone of another region, or beyond the region's zones.
pub const AZ_REGION: &str = "region:az-mismatch";
/// Error: the AMI's architecture does not match the instance type.
pub const AMI_ARCH: &str = "ec2:ami-architecture-mismatch";
/// Error: an Auto Scaling group protects new instances from scale-in and its
/// capacity provider does not manage the protection (or manages it without managed scaling).
pub const SCALE_IN_PROTECTION_MISMATCH: &str = "ecs:scale-in-protection-mismatch";
/// Error: a capacity provider name (given, or derived from the stack name) that ECS refuses.
pub const CP_NAME_PREFIX: &str = "ecs:capacity-provider-name-prefix";
/// Error: a security group with more rules than EC2's quota, prefix lists counted by weight.
pub const SG_RULES_QUOTA: &str = "net:security-group-rules-quota";
/// Warning: a full engine version pinned while RDS upgrades minor versions automatically.
pub const ENGINE_VERSION_PINNED: &str = "rds:engine-version-pinned";
/// Warning: a failover group whose primary origin makes requests wait long before failing over.
pub const CDN_SLOW_FAILOVER: &str = "cdn:slow-failover";
/// Warning: a service scales or alarms on CPU utilization and reserves no CPU.
pub const CPU_WITHOUT_RESERVATION: &str = "service:cpu-metric-without-reservation";
/// Warning: a container pulls from Docker Hub without credentials.
pub const DOCKER_HUB_ANONYMOUS: &str = "ecs:image-docker-hub-anonymous";
/// Warning: an ECR lifecycle rule keeps few images by count over every tag.
pub const ECR_LIFECYCLE_COUNT_ANY: &str = "ecr:lifecycle-count-any";
/// Warning: a container gets the RDS master user's rotating credentials injected at task start.
pub const MASTER_CREDENTIALS_IN_SERVICE: &str = "rds:master-credentials-in-service";
/// Warning: CloudFront sends a secret origin header over plain HTTP.
pub const CDN_SECRET_CLEARTEXT: &str = "cdn:origin-secret-cleartext";
/// Error: a task reserves more memory or CPU than an instance of its cluster has.
pub const TASK_LARGER_THAN_INSTANCE: &str = "ecs:task-larger-than-instance";
/// Warning: more awsvpc tasks than the cluster's instances have network interfaces for.
pub const AWSVPC_ENI_CAPACITY: &str = "ecs:awsvpc-eni-capacity";
/// Warning: an alarm with no action: it notifies nobody.
pub const ALARM_SILENT: &str = "cloudwatch:alarm-no-action";
/// Warning: private subnets of several AZs share one NAT gateway.
pub const NAT_SHARED: &str = "net:nat-shared-across-azs";

/// Every code, for documentation and `--deny-warnings`.
pub const ALL: &[&str] = &[
    LISTENER_UNREACHABLE,
    LB_TO_TARGET,
    LB_EGRESS,
    TARGET_GROUP_ORPHAN,
    CONTAINER_MISMATCH,
    TARGET_TYPE_MISMATCH,
    NACL_BLOCKED,
    NO_EGRESS,
    NO_PUBLIC_IP,
    DB_UNREACHABLE,
    DB_OPEN,
    DB_OTHERS,
    ENDPOINT_BLOCKED,
    CDN_NO_HTTPS,
    CDN_NO_HTTP,
    CDN_REDIRECT_LOOP,
    CDN_INTERNAL,
    CDN_BLOCKED,
    CDN_CERT_REGION,
    CDN_BYPASS,
    CERT_REGION,
    AZ_REGION,
    AMI_ARCH,
    ALARM_SILENT,
    NAT_SHARED,
    SCALE_IN_PROTECTION_MISMATCH,
    CP_NAME_PREFIX,
    SG_RULES_QUOTA,
    ENGINE_VERSION_PINNED,
    CDN_SLOW_FAILOVER,
    CPU_WITHOUT_RESERVATION,
    DOCKER_HUB_ANONYMOUS,
    ECR_LIFECYCLE_COUNT_ANY,
    MASTER_CREDENTIALS_IN_SERVICE,
    CDN_SECRET_CLEARTEXT,
    TASK_LARGER_THAN_INSTANCE,
    AWSVPC_ENI_CAPACITY,
];
