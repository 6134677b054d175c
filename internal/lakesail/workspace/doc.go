// Package workspace is the workspace's lifecycle over the library's core, acting through the
// connection role's session: the private EKS cluster with its add-ons and system node group,
// the OIDC provider and IRSA roles bound by WorkloadBoundary, log group, SSM parameters, ACM
// certificate and Glue databases.
package workspace
