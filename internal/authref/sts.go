package authref

// svcSts is AWS Security Token Service (service prefix "sts"), from the Service Authorization Reference
// page list_awssecuritytokenservice.html as published on 2026-06-14.
var svcSts = &Service{
	Prefix:   "sts",
	Name:     "AWS Security Token Service",
	Complete: true,
	ResourceTypes: resourceTypes(
		rt("context-provider", "arn:${Partition}:iam::aws:contextProvider/${ContextProviderName}"),
		rt("federated-user", "arn:${Partition}:sts::${Account}:federated-user/${FederatedUserName}"),
		rt("role", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "aws:ResourceTag/${TagKey}", "iam:ResourceTag/${TagKey}"),
		rt("root-user", "arn:${Partition}:iam::${Account}:root"),
		rt("self-session", "arn:${Partition}:sts::${Account}:self"),
	),
	Actions: actions(
		a("AssumeRole", Write,
			r("role*"),
			k("aws:TagKeys", "aws:RequestTag/${TagKey}", "sts:TransitiveTagKeys", "sts:ExternalId", "sts:RoleSessionName", "iam:ResourceTag/${TagKey}", "sts:SourceIdentity", "cognito-identity.amazonaws.com:amr", "cognito-identity.amazonaws.com:aud", "cognito-identity.amazonaws.com:sub", "www.amazon.com:app_id", "www.amazon.com:user_id", "graph.facebook.com:app_id", "graph.facebook.com:id", "accounts.google.com:aud", "accounts.google.com:sub", "saml:namequalifier", "saml:sub", "saml:sub_type")),
		a("AssumeRoleWithSAML", Write,
			r("role*"),
			k("saml:namequalifier", "saml:sub", "saml:sub_type", "saml:aud", "saml:iss", "saml:doc", "saml:cn", "saml:commonName", "saml:eduorghomepageuri", "saml:eduorgidentityauthnpolicyuri", "saml:eduorglegalname", "saml:eduorgsuperioruri", "saml:eduorgwhitepagesuri", "saml:edupersonaffiliation", "saml:edupersonassurance", "saml:edupersonentitlement", "saml:edupersonnickname", "saml:edupersonorgdn", "saml:edupersonorgunitdn", "saml:edupersonprimaryaffiliation", "saml:edupersonprimaryorgunitdn", "saml:edupersonprincipalname", "saml:edupersonscopedaffiliation", "saml:edupersontargetedid", "saml:givenName", "saml:mail", "saml:name", "saml:organizationStatus", "saml:primaryGroupSID", "saml:surname", "saml:uid", "saml:x500UniqueIdentifier", "aws:TagKeys", "aws:RequestTag/${TagKey}", "sts:TransitiveTagKeys", "sts:SourceIdentity", "sts:RoleSessionName")),
		a("AssumeRoleWithWebIdentity", Write,
			r("role*"),
			k("cognito-identity.amazonaws.com:amr", "cognito-identity.amazonaws.com:aud", "cognito-identity.amazonaws.com:sub", "www.amazon.com:app_id", "www.amazon.com:user_id", "graph.facebook.com:app_id", "graph.facebook.com:id", "accounts.google.com:aud", "accounts.google.com:oaud", "accounts.google.com:sub", "aws:TagKeys", "aws:RequestTag/${TagKey}", "sts:TransitiveTagKeys", "sts:SourceIdentity", "sts:RoleSessionName")),
		a("AssumeRoot", Write, r("root-user*"), k("sts:TaskPolicyArn")),
		a("DecodeAuthorizationMessage", Write),
		a("GetAccessKeyInfo", Read),
		a("GetCallerIdentity", Read),
		a("GetDelegatedAccessToken", Write),
		a("GetFederationToken", Read, r("federated-user"), k("aws:TagKeys", "aws:RequestTag/${TagKey}")),
		a("GetServiceBearerToken", Read, k("sts:AWSServiceName", "sts:DurationSeconds")),
		a("GetSessionToken", Read),
		a("GetWebIdentityToken", Write,
			k("sts:DurationSeconds", "sts:IdentityTokenAudience", "sts:SigningAlgorithm", "aws:TagKeys", "aws:RequestTag/${TagKey}")),
		a("SetContext", Write, r("role"), r("self-session"), k("sts:RequestContext/${ContextKey}", "sts:RequestContextProviders")),
		a("SetSourceIdentity", Write, r("role"), k("sts:SourceIdentity")),
		a("TagGetWebIdentityToken", Tagging, k("aws:TagKeys", "aws:RequestTag/${TagKey}")),
		a("TagSession", Tagging, r("role"), k("aws:TagKeys", "aws:RequestTag/${TagKey}", "sts:TransitiveTagKeys", "saml:aud")),
	),
}
