package ec2

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// What a node autoscaler reads before it launches (Karpenter's controller policy lists these
// calls): the instance types, where they are offered, their Spot prices, the types that fit a
// set of instance requirements, and the EKS optimized images. The catalog is small and fixed:
// m6i, m7i, c6i, r6i (x86_64, Intel) and m7g (arm64, Graviton) from large to 4xlarge, offered in
// every zone of the region. All are List actions the SAR authorizes on "*" with ec2:Region.

func ec2CatalogSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "DescribeInstanceTypes", handle: ec2DescribeInstanceTypes},
		{name: "DescribeInstanceTypeOfferings", handle: ec2DescribeInstanceTypeOfferings},
		{name: "GetInstanceTypesFromInstanceRequirements", handle: ec2GetInstanceTypesFromInstanceRequirements},
		{name: "DescribeSpotPriceHistory", handle: ec2DescribeSpotPriceHistory},
		{name: "DescribeImages", handle: ec2DescribeImages},
	}
}

// ec2InstanceType is one type of the catalog.
type ec2InstanceType struct {
	name         string
	vcpus        int
	memoryMiB    int
	arch         string // "x86_64" | "arm64"
	manufacturer string
	clockGHz     float64
	enis, ips    int     // maximum network interfaces, IPv4 addresses per interface
	network      string  // networkPerformance
	onDemand     float64 // USD per hour
}

// ec2Families: vCPUs per size, and each family's memory per vCPU, processor and price of its
// large size.
var ec2Families = []struct {
	family       string
	gibPerVCPU   int
	arch, maker  string
	clock, large float64
}{
	{"m6i", 4, "x86_64", "Intel", 3.5, 0.096},
	{"m7i", 4, "x86_64", "Intel", 3.2, 0.1008},
	{"c6i", 2, "x86_64", "Intel", 3.5, 0.085},
	{"r6i", 8, "x86_64", "Intel", 3.5, 0.126},
	{"m7g", 4, "arm64", "AWS", 2.6, 0.0816},
}

var ec2Sizes = []struct {
	size         string
	vcpus        int
	enis, ips    int
	network      string
	priceFactor  float64
	spotDiscount float64
}{
	{"large", 2, 3, 10, "Up to 12.5 Gigabit", 1, 0.38},
	{"xlarge", 4, 4, 15, "Up to 12.5 Gigabit", 2, 0.36},
	{"2xlarge", 8, 4, 15, "Up to 12.5 Gigabit", 4, 0.35},
	{"4xlarge", 16, 8, 30, "Up to 12.5 Gigabit", 8, 0.34},
}

// ec2Catalog lists the catalog's instance types, family by family, smallest first.
func ec2Catalog() []ec2InstanceType {
	var out []ec2InstanceType
	for _, f := range ec2Families {
		for _, sz := range ec2Sizes {
			out = append(out, ec2InstanceType{name: f.family + "." + sz.size, vcpus: sz.vcpus, memoryMiB: sz.vcpus * f.gibPerVCPU * 1024,
				arch: f.arch, manufacturer: f.maker, clockGHz: f.clock, enis: sz.enis, ips: sz.ips, network: sz.network,
				onDemand: f.large * sz.priceFactor})
		}
	}
	return out
}

func ec2CatalogType(name string) (ec2InstanceType, bool) {
	for _, it := range ec2Catalog() {
		if it.name == name {
			return it, true
		}
	}
	return ec2InstanceType{}, false
}

type ec2InstanceTypeXML struct {
	InstanceType             string         `xml:"instanceType"`
	CurrentGeneration        bool           `xml:"currentGeneration"`
	FreeTierEligible         bool           `xml:"freeTierEligible"`
	SupportedUsageClasses    ec2Set[string] `xml:"supportedUsageClasses"`
	SupportedRootDeviceTypes ec2Set[string] `xml:"supportedRootDeviceTypes"`
	SupportedVirtualization  ec2Set[string] `xml:"supportedVirtualizationTypes"`
	BareMetal                bool           `xml:"bareMetal"`
	Hypervisor               string         `xml:"hypervisor"`
	ProcessorInfo            struct {
		SupportedArchitectures ec2Set[string] `xml:"supportedArchitectures"`
		ClockSpeed             float64        `xml:"sustainedClockSpeedInGhz"`
		Manufacturer           string         `xml:"manufacturer"`
	} `xml:"processorInfo"`
	VCpuInfo struct {
		DefaultVCpus          int `xml:"defaultVCpus"`
		DefaultCores          int `xml:"defaultCores"`
		DefaultThreadsPerCore int `xml:"defaultThreadsPerCore"`
	} `xml:"vCpuInfo"`
	MemoryInfo struct {
		SizeInMiB int `xml:"sizeInMiB"`
	} `xml:"memoryInfo"`
	InstanceStorageSupported bool `xml:"instanceStorageSupported"`
	EbsInfo                  struct {
		EbsOptimizedSupport string `xml:"ebsOptimizedSupport"`
		EncryptionSupport   string `xml:"encryptionSupport"`
		NvmeSupport         string `xml:"nvmeSupport"`
	} `xml:"ebsInfo"`
	NetworkInfo struct {
		NetworkPerformance        string `xml:"networkPerformance"`
		MaximumNetworkInterfaces  int    `xml:"maximumNetworkInterfaces"`
		MaximumNetworkCards       int    `xml:"maximumNetworkCards"`
		DefaultNetworkCardIndex   int    `xml:"defaultNetworkCardIndex"`
		Ipv4AddressesPerInterface int    `xml:"ipv4AddressesPerInterface"`
		Ipv6AddressesPerInterface int    `xml:"ipv6AddressesPerInterface"`
		Ipv6Supported             bool   `xml:"ipv6Supported"`
		EnaSupport                string `xml:"enaSupport"`
		EfaSupported              bool   `xml:"efaSupported"`
		EncryptionInTransit       bool   `xml:"encryptionInTransitSupported"`
	} `xml:"networkInfo"`
	PlacementGroupInfo struct {
		SupportedStrategies ec2Set[string] `xml:"supportedStrategies"`
	} `xml:"placementGroupInfo"`
	HibernationSupported          bool           `xml:"hibernationSupported"`
	BurstablePerformanceSupported bool           `xml:"burstablePerformanceSupported"`
	DedicatedHostsSupported       bool           `xml:"dedicatedHostsSupported"`
	AutoRecoverySupported         bool           `xml:"autoRecoverySupported"`
	SupportedBootModes            ec2Set[string] `xml:"supportedBootModes"`
}

func (it ec2InstanceType) xml() ec2InstanceTypeXML {
	x := ec2InstanceTypeXML{InstanceType: it.name, CurrentGeneration: true, SupportedUsageClasses: ec2Set[string]{"on-demand", "spot"},
		SupportedRootDeviceTypes: ec2Set[string]{"ebs"}, SupportedVirtualization: ec2Set[string]{"hvm"}, Hypervisor: "nitro",
		HibernationSupported: it.arch == "x86_64", DedicatedHostsSupported: true, AutoRecoverySupported: true,
		SupportedBootModes: ec2Set[string]{"uefi"}}
	if it.arch == "x86_64" {
		x.SupportedBootModes = ec2Set[string]{"legacy-bios", "uefi"}
	}
	x.ProcessorInfo.SupportedArchitectures = ec2Set[string]{it.arch}
	x.ProcessorInfo.ClockSpeed, x.ProcessorInfo.Manufacturer = it.clockGHz, it.manufacturer
	threads := 2
	if it.arch == "arm64" {
		threads = 1
	}
	x.VCpuInfo.DefaultVCpus, x.VCpuInfo.DefaultCores, x.VCpuInfo.DefaultThreadsPerCore = it.vcpus, it.vcpus/threads, threads
	x.MemoryInfo.SizeInMiB = it.memoryMiB
	x.EbsInfo.EbsOptimizedSupport, x.EbsInfo.EncryptionSupport, x.EbsInfo.NvmeSupport = "default", "supported", "required"
	n := &x.NetworkInfo
	n.NetworkPerformance, n.MaximumNetworkInterfaces, n.MaximumNetworkCards = it.network, it.enis, 1
	n.Ipv4AddressesPerInterface, n.Ipv6AddressesPerInterface, n.Ipv6Supported, n.EnaSupport = it.ips, it.ips, true, "required"
	n.EncryptionInTransit = true
	x.PlacementGroupInfo.SupportedStrategies = ec2Set[string]{"cluster", "partition", "spread"}
	return x
}

// ec2TypeFields answers DescribeInstanceTypes' filters for one type.
func ec2TypeFields(it ec2InstanceType) ec2Fields {
	return func(name string) []string {
		switch name {
		case "instance-type":
			return []string{it.name}
		case "processor-info.supported-architecture":
			return []string{it.arch}
		case "vcpu-info.default-vcpus":
			return []string{strconv.Itoa(it.vcpus)}
		case "memory-info.size-in-mib":
			return []string{strconv.Itoa(it.memoryMiB)}
		case "current-generation":
			return []string{"true"}
		case "bare-metal", "burstable-performance-supported", "free-tier-eligible", "instance-storage-supported":
			return []string{"false"}
		case "supported-usage-class":
			return []string{"on-demand", "spot"}
		case "supported-virtualization-type":
			return []string{"hvm"}
		case "supported-root-device-type":
			return []string{"ebs"}
		case "hypervisor":
			return []string{"nitro"}
		case "processor-info.manufacturer":
			return []string{it.manufacturer}
		}
		return nil
	}
}

func ec2DescribeInstanceTypes(c *core.Req) (any, error) {
	all := ec2Catalog()
	if names := ec2List(c, "InstanceType"); len(names) > 0 {
		var picked []ec2InstanceType
		for _, n := range names {
			it, ok := ec2CatalogType(n)
			if !ok {
				return nil, ec2Invalid("The following supplied instance types do not exist: [%s]", n)
			}
			picked = append(picked, it)
		}
		all = picked
	}
	known := []string{"instance-type", "processor-info.supported-architecture", "vcpu-info.default-vcpus", "memory-info.size-in-mib",
		"current-generation", "bare-metal", "burstable-performance-supported", "free-tier-eligible", "instance-storage-supported",
		"supported-usage-class", "supported-virtualization-type", "supported-root-device-type", "hypervisor", "processor-info.manufacturer"}
	all, err := ec2Select(c, all, known, ec2TypeFields, func(ec2InstanceType) []core.Tag { return nil })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, all, 100)
	if err != nil {
		return nil, err
	}
	out := struct {
		Types     ec2Set[ec2InstanceTypeXML] `xml:"instanceTypeSet"`
		NextToken string                     `xml:"nextToken,omitempty"`
	}{Types: ec2Set[ec2InstanceTypeXML]{}, NextToken: next}
	for _, it := range page {
		out.Types = append(out.Types, it.xml())
	}
	return out, nil
}

func ec2DescribeInstanceTypeOfferings(c *core.Req) (any, error) {
	s := ec2Of(c)
	locType := c.Param("LocationType")
	if locType == "" {
		locType = "region"
	}
	var locations []string
	switch locType {
	case "region":
		locations = []string{s.region}
	case "availability-zone":
		for _, z := range s.azs() {
			locations = append(locations, z.name)
		}
	case "availability-zone-id":
		for _, z := range s.azs() {
			locations = append(locations, z.id)
		}
	default:
		return nil, ec2Invalid("Value (%s) for parameter locationType is invalid.", locType)
	}
	type offering struct {
		InstanceType string `xml:"instanceType"`
		LocationType string `xml:"locationType"`
		Location     string `xml:"location"`
	}
	var all []offering
	for _, it := range ec2Catalog() {
		for _, loc := range locations {
			all = append(all, offering{InstanceType: it.name, LocationType: locType, Location: loc})
		}
	}
	all, err := ec2Select(c, all, []string{"instance-type", "location"}, func(o offering) ec2Fields {
		return func(name string) []string {
			if name == "instance-type" {
				return []string{o.InstanceType}
			}
			return []string{o.Location}
		}
	}, func(offering) []core.Tag { return nil })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, all, 1000)
	if err != nil {
		return nil, err
	}
	return struct {
		Offerings ec2Set[offering] `xml:"instanceTypeOfferingSet"`
		NextToken string           `xml:"nextToken,omitempty"`
	}{Offerings: append(ec2Set[offering]{}, page...), NextToken: next}, nil
}

// ec2GetInstanceTypesFromInstanceRequirements: the catalog's types of the architectures asked
// for whose vCPUs and memory fall in the ranges (a missing maximum is no limit), narrowed by
// AllowedInstanceType or ExcludedInstanceType patterns (* and ? wildcards).
func ec2GetInstanceTypesFromInstanceRequirements(c *core.Req) (any, error) {
	const p = "InstanceRequirements."
	if err := ec2Required(c, "ArchitectureType.1", "VirtualizationType.1", p+"VCpuCount.Min", p+"MemoryMiB.Min"); err != nil {
		return nil, err
	}
	num := func(name string) (int, bool, *core.APIError) {
		n, ok, err := c.ParamInt(name)
		if err != nil || (ok && n < 0) {
			return 0, false, ec2Invalid("Value (%s) for parameter %s is invalid.", c.Param(name), name)
		}
		return n, ok, nil
	}
	vMin, _, err := num(p + "VCpuCount.Min")
	if err != nil {
		return nil, err
	}
	vMax, vMaxOK, err := num(p + "VCpuCount.Max")
	if err != nil {
		return nil, err
	}
	mMin, _, err := num(p + "MemoryMiB.Min")
	if err != nil {
		return nil, err
	}
	mMax, mMaxOK, err := num(p + "MemoryMiB.Max")
	if err != nil {
		return nil, err
	}
	archs := map[string]bool{}
	for _, a := range ec2List(c, "ArchitectureType") {
		archs[a] = true
	}
	hvm := false
	for _, v := range ec2List(c, "VirtualizationType") {
		hvm = hvm || v == "hvm"
	}
	allowed, excluded := ec2List(c, p+"AllowedInstanceType"), ec2List(c, p+"ExcludedInstanceType")
	if len(allowed) > 0 && len(excluded) > 0 {
		return nil, core.NewError("InvalidParameterCombination", 400, "You can specify either AllowedInstanceTypes or ExcludedInstanceTypes, but not both.")
	}
	matchAny := func(patterns []string, name string) bool {
		for _, pat := range patterns {
			if ec2Wildcard(pat, name) {
				return true
			}
		}
		return false
	}
	type item struct {
		InstanceType string `xml:"instanceType"`
	}
	var all []item
	for _, it := range ec2Catalog() {
		switch {
		case !archs[it.arch] || !hvm:
		case it.vcpus < vMin || (vMaxOK && it.vcpus > vMax):
		case it.memoryMiB < mMin || (mMaxOK && it.memoryMiB > mMax):
		case len(allowed) > 0 && !matchAny(allowed, it.name):
		case matchAny(excluded, it.name):
		default:
			all = append(all, item{InstanceType: it.name})
		}
	}
	page, next, err := ec2Page(c, all, 1000)
	if err != nil {
		return nil, err
	}
	return struct {
		Types     ec2Set[item] `xml:"instanceTypeSet"`
		NextToken string       `xml:"nextToken,omitempty"`
	}{Types: append(ec2Set[item]{}, page...), NextToken: next}, nil
}

// ec2DescribeSpotPriceHistory: one current price per type, zone and product (Linux/UNIX), a
// fixed fraction of the on-demand price that differs a little by zone.
func ec2DescribeSpotPriceHistory(c *core.Req) (any, error) {
	s := ec2Of(c)
	types := map[string]bool{}
	for _, t := range ec2List(c, "InstanceType") {
		types[t] = true
	}
	products := map[string]bool{}
	for _, p := range ec2List(c, "ProductDescription") {
		products[p] = true
	}
	zone := c.Param("AvailabilityZone")
	type price struct {
		InstanceType       string  `xml:"instanceType"`
		ProductDescription string  `xml:"productDescription"`
		SpotPrice          string  `xml:"spotPrice"`
		Timestamp          ec2Time `xml:"timestamp"`
		AvailabilityZone   string  `xml:"availabilityZone"`
	}
	var all []price
	for _, it := range ec2Catalog() {
		if len(types) > 0 && !types[it.name] {
			continue
		}
		discount := 0.35
		for _, sz := range ec2Sizes {
			if strings.HasSuffix(it.name, "."+sz.size) {
				discount = sz.spotDiscount
			}
		}
		for i, z := range s.azs() {
			if zone != "" && zone != z.name {
				continue
			}
			for _, product := range []string{"Linux/UNIX", "Linux/UNIX (Amazon VPC)"} {
				if len(products) > 0 && !products[product] {
					continue
				}
				v := it.onDemand * (discount + 0.01*float64(i))
				all = append(all, price{InstanceType: it.name, ProductDescription: product, SpotPrice: fmt.Sprintf("%.6f", v),
					Timestamp: ec2Time(c.Now.Truncate(3600e9)), AvailabilityZone: z.name})
			}
		}
	}
	all, err := ec2Select(c, all, []string{"availability-zone", "instance-type", "product-description", "spot-price", "timestamp"}, func(p price) ec2Fields {
		return func(name string) []string {
			switch name {
			case "availability-zone":
				return []string{p.AvailabilityZone}
			case "instance-type":
				return []string{p.InstanceType}
			case "product-description":
				return []string{p.ProductDescription}
			case "spot-price":
				return []string{p.SpotPrice}
			}
			return nil
		}
	}, func(price) []core.Tag { return nil })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, all, 1000)
	if err != nil {
		return nil, err
	}
	return struct {
		Prices    ec2Set[price] `xml:"spotPriceHistorySet"`
		NextToken string        `xml:"nextToken,omitempty"`
	}{Prices: append(ec2Set[price]{}, page...), NextToken: next}, nil
}

// ec2AmazonEKSOwner is the account that publishes the EKS optimized AMIs (alias "amazon").
const ec2AmazonEKSOwner = "602401143452"

// ec2Image is a public image owned by Amazon. The catalog's images also say what they are
// for (os, Kubernetes version, variant), which SSM's public parameters name them by
// (ec2_peer_ssm.go); an image named only by its id has none of that.
type ec2Image struct {
	id, name, arch string
	os             string // "amazon-linux-2023" | "bottlerocket"
	k8s            string // the Kubernetes version ("1.32")
	variant        string // "standard" | "nvidia"
}

// ec2EKSImageVersions are the Kubernetes versions the catalog has EKS node images of.
var ec2EKSImageVersions = []string{"1.31", "1.32", "1.33"}

// ec2EKSImages are the EKS node AMIs the catalog publishes, by Kubernetes version and
// architecture (stable made-up ids): the EKS optimized Amazon Linux 2023 AMIs, standard and
// NVIDIA, and Bottlerocket's aws-k8s variants.
func ec2EKSImages() []ec2Image {
	var out []ec2Image
	for _, version := range ec2EKSImageVersions {
		for _, arch := range []string{"x86_64", "arm64"} {
			for _, variant := range []string{"standard", "nvidia"} {
				name := "amazon-eks-node-al2023-" + arch + "-" + variant + "-" + version + "-v20250715"
				out = append(out, ec2Image{id: ec2ImageID(name), name: name, arch: arch, os: "amazon-linux-2023", k8s: version, variant: variant})
			}
			name := "bottlerocket-aws-k8s-" + version + "-" + arch + "-v1.42.0"
			out = append(out, ec2Image{id: ec2ImageID(name), name: name, arch: arch, os: "bottlerocket", k8s: version, variant: "standard"})
		}
	}
	return out
}

func ec2ImageID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "ami-0" + hex.EncodeToString(sum[:])[:16]
}

type ec2ImageXML struct {
	ImageID         string            `xml:"imageId"`
	ImageLocation   string            `xml:"imageLocation"`
	ImageState      string            `xml:"imageState"`
	ImageOwnerID    string            `xml:"imageOwnerId"`
	CreationDate    string            `xml:"creationDate"`
	IsPublic        bool              `xml:"isPublic"`
	Architecture    string            `xml:"architecture"`
	ImageType       string            `xml:"imageType"`
	ImageOwnerAlias string            `xml:"imageOwnerAlias"`
	Name            string            `xml:"name"`
	Description     string            `xml:"description"`
	RootDeviceType  string            `xml:"rootDeviceType"`
	RootDeviceName  string            `xml:"rootDeviceName"`
	Virtualization  string            `xml:"virtualizationType"`
	Hypervisor      string            `xml:"hypervisor"`
	EnaSupport      bool              `xml:"enaSupport"`
	BootMode        string            `xml:"bootMode"`
	TagSet          ec2Set[ec2TagXML] `xml:"tagSet"`
}

func (im ec2Image) xml() ec2ImageXML {
	desc := "EKS-optimized Kubernetes node based on Amazon Linux 2023"
	if im.os == "bottlerocket" {
		desc = "Bottlerocket for Amazon EKS, Kubernetes " + im.k8s
	}
	return ec2ImageXML{ImageID: im.id, ImageLocation: "amazon/" + im.name, ImageState: "available", ImageOwnerID: ec2AmazonEKSOwner,
		CreationDate: "2025-07-15T00:00:00.000Z", IsPublic: true, Architecture: im.arch, ImageType: "machine", ImageOwnerAlias: "amazon",
		Name: im.name, Description: desc, RootDeviceType: "ebs",
		RootDeviceName: "/dev/xvda", Virtualization: "hvm", Hypervisor: "xen", EnaSupport: true, BootMode: "uefi-preferred", TagSet: ec2Set[ec2TagXML]{}}
}

// ec2DescribeImages: the EKS optimized images, owned by Amazon. Images named by id are any
// well-formed AMI id: to the emulator every ami- id is a public Amazon image (RunInstances
// launches any, and EKS launches the optimized AMIs of its releases by id); one outside the
// catalog is described as an x86_64 image of that id.
func ec2DescribeImages(c *core.Req) (any, error) {
	all := ec2EKSImages()
	if ids := ec2List(c, "ImageId"); len(ids) > 0 {
		var picked []ec2Image
		for _, id := range ids {
			if !strings.HasPrefix(id, "ami-") {
				return nil, core.NewError("InvalidAMIID.Malformed", 400, "Invalid id: \"%s\" (expecting \"ami-...\")", id)
			}
			im := ec2Image{id: id, name: "emulated-" + id, arch: "x86_64"}
			for _, known := range all {
				if known.id == id {
					im = known
				}
			}
			picked = append(picked, im)
		}
		all = picked
	}
	if owners := ec2List(c, "Owner"); len(owners) > 0 {
		amazon := false
		for _, o := range owners {
			amazon = amazon || o == "amazon" || o == ec2AmazonEKSOwner
		}
		if !amazon {
			all = nil
		}
	}
	known := []string{"image-id", "name", "architecture", "owner-alias", "owner-id", "state", "image-type", "is-public",
		"root-device-type", "virtualization-type"}
	all, err := ec2Select(c, all, known, func(im ec2Image) ec2Fields {
		return func(name string) []string {
			switch name {
			case "image-id":
				return []string{im.id}
			case "name":
				return []string{im.name}
			case "architecture":
				return []string{im.arch}
			case "owner-alias":
				return []string{"amazon"}
			case "owner-id":
				return []string{ec2AmazonEKSOwner}
			case "state":
				return []string{"available"}
			case "image-type":
				return []string{"machine"}
			case "is-public":
				return []string{"true"}
			case "root-device-type":
				return []string{"ebs"}
			case "virtualization-type":
				return []string{"hvm"}
			}
			return nil
		}
	}, func(ec2Image) []core.Tag { return nil })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, all, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		Images    ec2Set[ec2ImageXML] `xml:"imagesSet"`
		NextToken string              `xml:"nextToken,omitempty"`
	}{Images: ec2Set[ec2ImageXML]{}, NextToken: next}
	for _, im := range page {
		out.Images = append(out.Images, im.xml())
	}
	return out, nil
}
