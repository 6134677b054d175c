package authref

// svcEksAuth is Amazon EKS Auth (service prefix "eks-auth"), from the Service Authorization Reference
// page list_amazoneksauth.html as published on 2026-06-14.
var svcEksAuth = &Service{
	Prefix:   "eks-auth",
	Name:     "Amazon EKS Auth",
	Complete: true,
	ResourceTypes: resourceTypes(
		rt("cluster", "arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}", "aws:ResourceTag/${TagKey}"),
	),
	Actions: actions(
		a("AssumeRoleForPodIdentity", Read, r("cluster*")),
	),
}
