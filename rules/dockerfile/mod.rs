//! `DKR`: Dockerfiles, as far as the deployment is concerned — what the images they build
//! contain.

crate::family_rules! {
    missing_dockerignore => MissingDockerignore,
}
