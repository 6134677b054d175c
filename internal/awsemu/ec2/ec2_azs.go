package ec2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func ec2AZSpecs() []ec2Spec {
	return []ec2Spec{{name: "DescribeAvailabilityZones", handle: ec2DescribeAvailabilityZones}}
}

type ec2AZXML struct {
	ZoneName           string           `xml:"zoneName"`
	ZoneID             string           `xml:"zoneId"`
	ZoneState          string           `xml:"zoneState"`
	RegionName         string           `xml:"regionName"`
	ZoneType           string           `xml:"zoneType"`
	OptInStatus        string           `xml:"optInStatus"`
	GroupName          string           `xml:"groupName"`
	NetworkBorderGroup string           `xml:"networkBorderGroup"`
	MessageSet         ec2Set[struct{}] `xml:"messageSet"`
}

type ec2AZsResult struct {
	AvailabilityZoneInfo ec2Set[ec2AZXML] `xml:"availabilityZoneInfo"`
}

func ec2DescribeAvailabilityZones(c *core.Req) (any, error) {
	s := ec2Of(c)
	zones := s.azs()
	names, ids := ec2List(c, "ZoneName"), ec2List(c, "ZoneId")
	if len(names) > 0 || len(ids) > 0 {
		var picked []ec2AZ
		for _, n := range names {
			z, ok := s.az(n, "")
			if !ok {
				return nil, ec2Invalid("The zone '%s' does not exist in the region %s.", n, s.region)
			}
			picked = append(picked, z)
		}
		for _, id := range ids {
			z, ok := s.az("", id)
			if !ok {
				return nil, ec2Invalid("The zone ID '%s' does not exist in the region %s.", id, s.region)
			}
			picked = append(picked, z)
		}
		zones = picked
	}
	known := []string{"zone-name", "zone-id", "state", "region-name", "zone-type", "group-name", "opt-in-status"}
	zones, err := ec2Select(c, zones, known, func(z ec2AZ) ec2Fields {
		return func(name string) []string {
			switch name {
			case "zone-name":
				return []string{z.name}
			case "zone-id":
				return []string{z.id}
			case "state":
				return []string{"available"}
			case "region-name", "group-name":
				return []string{s.region}
			case "zone-type":
				return []string{"availability-zone"}
			case "opt-in-status":
				return []string{"opt-in-not-required"}
			}
			return nil
		}
	}, func(ec2AZ) []core.Tag { return nil })
	if err != nil {
		return nil, err
	}
	out := ec2AZsResult{AvailabilityZoneInfo: ec2Set[ec2AZXML]{}}
	for _, z := range zones {
		out.AvailabilityZoneInfo = append(out.AvailabilityZoneInfo, ec2AZXML{
			ZoneName: z.name, ZoneID: z.id, ZoneState: "available", RegionName: s.region, ZoneType: "availability-zone",
			OptInStatus: "opt-in-not-required", GroupName: s.region, NetworkBorderGroup: s.region, MessageSet: ec2Set[struct{}]{},
		})
	}
	return out, nil
}
