package authref

// svcPricing is AWS Price List (service prefix "pricing"), from the Service Authorization Reference
// page list_awspricelist.html as published on 2026-06-14.
var svcPricing = &Service{
	Prefix:        "pricing",
	Name:          "AWS Price List",
	Complete:      true,
	ResourceTypes: resourceTypes(),
	Actions: actions(
		a("DescribeServices", Read),
		a("GetAttributeValues", Read),
		a("GetPriceListFileUrl", Read),
		a("GetProducts", Read),
		a("ListPriceLists", Read),
	),
}
