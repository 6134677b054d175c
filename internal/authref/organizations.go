package authref

// svcOrganizations is AWS Organizations (service prefix "organizations"), from the Service Authorization Reference
// page list_awsorganizations.html as published on 2026-06-14.
// The catalog holds a subset of the page: only the actions the project names.
var svcOrganizations = &Service{
	Prefix:   "organizations",
	Name:     "AWS Organizations",
	Complete: false,
	ResourceTypes: resourceTypes(
		rt("account", "arn:${Partition}:organizations::${Account}:account/o-${OrganizationId}/${AccountId}", "aws:ResourceTag/${TagKey}"),
		rt("organizationalunit", "arn:${Partition}:organizations::${Account}:ou/o-${OrganizationId}/ou-${OrganizationalUnitId}",
			"aws:ResourceTag/${TagKey}"),
		rt("policy", "arn:${Partition}:organizations::${Account}:policy/o-${OrganizationId}/${PolicyType}/p-${PolicyId}",
			"aws:ResourceTag/${TagKey}"),
		rt("root", "arn:${Partition}:organizations::${Account}:root/o-${OrganizationId}/r-${RootId}", "aws:ResourceTag/${TagKey}"),
	),
	Actions: actions(
		a("DescribeAccount", Read, r("account*")),
		a("DescribeOrganization", Read),
		a("DescribeOrganizationalUnit", Read, r("organizationalunit*")),
		a("DescribePolicy", Read, r("policy*"), k("organizations:PolicyType")),
		a("ListAccounts", List),
		a("ListChildren", List, r("organizationalunit"), r("root")),
		a("ListParents", List, r("account"), r("organizationalunit")),
		a("ListPolicies", List, k("organizations:PolicyType")),
		a("ListPoliciesForTarget", List, r("account"), r("organizationalunit"), r("root"), k("organizations:PolicyType")),
		a("ListRoots", List),
		a("ListTargetsForPolicy", List, r("policy*"), k("organizations:PolicyType")),
	),
}
