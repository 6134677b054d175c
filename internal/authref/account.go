package authref

// svcAccount is AWS Account Management (service prefix "account"), from the Service Authorization Reference
// page list_awsaccountmanagement.html as published on 2026-06-14.
var svcAccount = &Service{
	Prefix:   "account",
	Name:     "AWS Account Management",
	Complete: true,
	ResourceTypes: resourceTypes(
		rt("account", "arn:${Partition}:account::${Account}:account"),
		rt("accountInOrganization", "arn:${Partition}:account::${ManagementAccountId}:account/o-${OrganizationId}/${MemberAccountId}"),
	),
	Actions: actions(
		a("AcceptPrimaryEmailUpdate", Write, r("accountInOrganization"), k("account:EmailTargetDomain")),
		a("CloseAccount", Write, r("account")),
		a("DeleteAlternateContact", Write, r("account"), r("accountInOrganization"), k("account:AlternateContactTypes")),
		a("DisableRegion", Write, r("account"), r("accountInOrganization"), k("account:TargetRegion")),
		a("EnableRegion", Write, r("account"), r("accountInOrganization"), k("account:TargetRegion")),
		a("GetAccountInformation", Read, r("account"), r("accountInOrganization")),
		a("GetAlternateContact", Read, r("account"), r("accountInOrganization"), k("account:AlternateContactTypes")),
		a("GetContactInformation", Read, r("account"), r("accountInOrganization")),
		a("GetGovCloudAccountInformation", Read, r("account"), r("accountInOrganization")),
		a("GetPrimaryEmail", Read, r("accountInOrganization")),
		a("GetRegionOptStatus", Read, r("account"), r("accountInOrganization"), k("account:TargetRegion")),
		a("ListRegions", List, r("account"), r("accountInOrganization")),
		a("PutAccountName", Write, r("account"), r("accountInOrganization")),
		a("PutAlternateContact", Write, r("account"), r("accountInOrganization"), k("account:AlternateContactTypes")),
		a("PutContactInformation", Write, r("account"), r("accountInOrganization")),
		a("StartPrimaryEmailUpdate", Write, r("accountInOrganization"), k("account:EmailTargetDomain")),
	),
}
