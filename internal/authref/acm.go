package authref

// svcAcm is AWS Certificate Manager (service prefix "acm"), from the Service Authorization Reference
// page list_awscertificatemanager.html as published on 2026-06-14.
var svcAcm = &Service{
	Prefix:   "acm",
	Name:     "AWS Certificate Manager",
	Complete: true,
	ResourceTypes: resourceTypes(
		rt("certificate", "arn:${Partition}:acm:${Region}:${Account}:certificate/${CertificateId}", "aws:ResourceTag/${TagKey}"),
	),
	Actions: actions(
		a("AddTagsToCertificate", Tagging, r("certificate*"), k("aws:RequestTag/${TagKey}", "aws:TagKeys")),
		a("DeleteCertificate", Write, r("certificate*")),
		a("DescribeCertificate", Read, r("certificate*")),
		a("ExportCertificate", Read, r("certificate*"), k("acm:DomainNames")),
		a("GetAccountConfiguration", Read),
		a("GetCertificate", Read, r("certificate*")),
		a("ImportCertificate", Write, r("certificate*"), k("aws:RequestTag/${TagKey}", "aws:TagKeys")),
		a("ListCertificates", List),
		a("ListTagsForCertificate", Read, r("certificate*")),
		a("PutAccountConfiguration", Write),
		a("RemoveTagsFromCertificate", Tagging, r("certificate*"), k("aws:RequestTag/${TagKey}", "aws:TagKeys")),
		a("RenewCertificate", Write, r("certificate*")),
		a("RequestCertificate", Write,
			k("aws:RequestTag/${TagKey}", "aws:TagKeys", "acm:DomainNames", "acm:CertificateTransparencyLogging", "acm:ValidationMethod", "acm:KeyAlgorithm", "acm:CertificateAuthority", "acm:Export")),
		a("ResendValidationEmail", Write, r("certificate*")),
		a("RevokeCertificate", Write, r("certificate*"), k("acm:DomainNames")),
		a("SearchCertificates", List),
		a("UpdateCertificateOptions", Write, r("certificate*")),
	),
}
