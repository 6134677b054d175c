package authref

// svcServicequotas is Service Quotas (service prefix "servicequotas"), from the Service Authorization Reference
// page list_servicequotas.html as published on 2026-06-14.
var svcServicequotas = &Service{
	Prefix:   "servicequotas",
	Name:     "Service Quotas",
	Complete: true,
	ResourceTypes: resourceTypes(
		rt("quota", "arn:${Partition}:servicequotas:${Region}:${Account}:${ServiceCode}/${QuotaCode}"),
	),
	Actions: actions(
		a("AssociateServiceQuotaTemplate", Write, d("organizations:DescribeOrganization", "organizations:EnableAWSServiceAccess")),
		a("CreateSupportCase", Write),
		a("DeleteServiceQuotaIncreaseRequestFromTemplate", Write, d("organizations:DescribeOrganization")),
		a("DisassociateServiceQuotaTemplate", Write, d("organizations:DescribeOrganization")),
		a("GetAssociationForServiceQuotaTemplate", Read, d("organizations:DescribeOrganization")),
		a("GetAutoManagementConfiguration", Read),
		a("GetAWSDefaultServiceQuota", Read),
		a("GetQuotaUtilizationReport", Read),
		a("GetRequestedServiceQuotaChange", Read),
		a("GetServiceQuota", Read,
			r("quota"),
			k("servicequotas:service"),
			d("autoscaling:DescribeAccountLimits", "cloudformation:DescribeAccountLimits", "dynamodb:DescribeLimits", "elasticloadbalancing:DescribeAccountLimits", "iam:GetAccountSummary", "kinesis:DescribeLimits", "rds:DescribeAccountAttributes", "route53:GetAccountLimit")),
		a("GetServiceQuotaIncreaseRequestFromTemplate", Read, r("quota"), k("servicequotas:service"), d("organizations:DescribeOrganization")),
		a("ListAWSDefaultServiceQuotas", Read),
		a("ListRequestedServiceQuotaChangeHistory", Read),
		a("ListRequestedServiceQuotaChangeHistoryByQuota", Read, r("quota"), k("servicequotas:service")),
		a("ListServiceQuotaIncreaseRequestsInTemplate", Read, d("organizations:DescribeOrganization")),
		a("ListServiceQuotas", Read,
			d("autoscaling:DescribeAccountLimits", "cloudformation:DescribeAccountLimits", "dynamodb:DescribeLimits", "elasticloadbalancing:DescribeAccountLimits", "iam:GetAccountSummary", "kinesis:DescribeLimits", "rds:DescribeAccountAttributes", "route53:GetAccountLimit")),
		a("ListServices", Read),
		a("ListTagsForResource", Read),
		a("PutServiceQuotaIncreaseRequestIntoTemplate", Write, r("quota"), k("servicequotas:service"), d("organizations:DescribeOrganization")),
		a("RequestServiceQuotaIncrease", Write, r("quota"), k("servicequotas:service")),
		a("StartAutoManagement", Write),
		a("StartQuotaUtilizationReport", Read),
		a("StopAutoManagement", Write),
		a("TagResource", Tagging, k("aws:RequestTag/${TagKey}", "aws:TagKeys")),
		a("UntagResource", Tagging, k("aws:TagKeys")),
		a("UpdateAutoManagement", Write),
	),
}
