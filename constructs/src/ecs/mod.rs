//! ECS on EC2 capacity: a [`Cluster`] with its Auto Scaling group and
//! capacity provider, [`TaskDefinition`]s, and [`Service`]s.
//!
//! ```
//! use rcdk_constructs::cfn::Format;
//! use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
//! use rcdk_constructs::ec2::{Vpc, VpcProps};
//! use rcdk_constructs::ecs::{Cluster, ClusterProps, ContainerProps, Service, ServiceProps, TaskDefinition, TaskDefinitionProps};
//!
//! let mut stack = Stack::new(StackProps { name: "web".into(), ..Default::default() }, FieldPath::root());
//! let root = stack.root().clone();
//! let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps::default());
//! let cluster = Cluster::new(&mut stack, &root.child("Cluster"), &vpc, &ClusterProps::default());
//! let path = stack.root().child("Api");
//! let task = TaskDefinition::new(
//!     &mut stack,
//!     &path.child("TaskDefinition"),
//!     &TaskDefinitionProps {
//!         containers: vec![ContainerProps { name: "api".into(), image: "nginx:1.27.0".into(), ports: vec![80], ..Default::default() }],
//!         ..Default::default()
//!     },
//! );
//! let service = Service::new(&mut stack, &path.child("Service"), &cluster, &task, &[], &ServiceProps::default());
//! assert_eq!(service.metric_cpu().namespace, "AWS/ECS");
//! let mut app = App::new();
//! app.add_stack(stack);
//! let out = app.synth(Format::Yaml).expect("valid");
//! assert!(out[0].body.contains("Type: AWS::ECS::CapacityProvider"));
//! ```

pub(crate) mod cluster;
mod image;
pub(crate) mod service;
pub(crate) mod task_definition;

pub use cluster::{
    Cluster, ClusterProps, InstanceRefreshProps, DEFAULT_INSTANCE_TYPE, DEFAULT_MAX_CAPACITY, DEFAULT_MIN_CAPACITY,
    DEFAULT_REFRESH_MAX_HEALTHY_PERCENT, DEFAULT_REFRESH_MIN_HEALTHY_PERCENT, DEFAULT_REFRESH_WARMUP_SECONDS,
    DEFAULT_ROOT_VOLUME_GIB, DEFAULT_TARGET_CAPACITY_PERCENT, DYNAMIC_PORT_FROM, DYNAMIC_PORT_TO,
    ECS_AL2023_AMI_PARAMETER, ECS_AL2023_ARM64_AMI_PARAMETER, IMDS_HOP_LIMIT, MAX_IMDS_HOP_LIMIT, MAX_ROOT_VOLUME_GIB,
    ROOT_DEVICE_NAME,
};
pub use image::{tag_problem, ContainerImage, EcrImage, RepositoryImage, MAX_IMAGE_TAG_LEN};
pub use service::{
    LoadBalancerTarget, Service, ServiceProps, DEFAULT_DESIRED_COUNT, DEFAULT_HEALTH_CHECK_GRACE_SECONDS,
    DEFAULT_MAX_PERCENT, DEFAULT_MIN_HEALTHY_PERCENT,
};
pub use task_definition::{
    image_problem, ContainerHealthCheck, ContainerInfo, ContainerProps, ImageProblem, NetworkMode, TaskDefinition,
    TaskDefinitionProps, DEFAULT_CONTAINER_MEMORY_MIB, DEFAULT_USER, DEFAULT_WRITABLE_PATHS, MAX_CONTAINERS,
    MAX_TASK_CPU_UNITS, MIN_CONTAINER_MEMORY_MIB, REGION_VARIABLES,
};
