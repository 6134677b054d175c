package ec2

import (
	"sort"
	"strconv"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// EBS volumes as the emulator makes them: the root volume of each instance it launches (from the
// request, its launch template and the image's defaults), attached until the instance terminates,
// when the volume is deleted with it (DeleteOnTermination).

func ec2VolumeSpecs() []ec2Spec {
	return []ec2Spec{{name: "DescribeVolumes", handle: ec2DescribeVolumes}}
}

// ec2Volume is an instance's root volume.
type ec2Volume struct {
	ec2Meta
	zone             string
	size             int // GiB
	volumeType       string
	encrypted        bool
	kmsKeyID         string
	instance, device string
	created          time.Time
}

func (*ec2Volume) kind() string { return "volume" }

func (v *ec2Volume) authKeys(*core.Req, *ec2State) map[string][]string {
	m := map[string][]string{"ec2:AvailabilityZone": {v.zone}, "ec2:VolumeID": {v.id}, "ec2:VolumeSize": {strconv.Itoa(v.size)},
		"ec2:VolumeType": {v.volumeType}, "ec2:Encrypted": {ec2Bool(v.encrypted)}}
	if v.kmsKeyID != "" {
		m["ec2:KmsKeyId"] = []string{v.kmsKeyID}
	}
	return m
}

func (s *ec2State) volumes() []*ec2Volume {
	var out []*ec2Volume
	for _, obj := range s.compute {
		if v, ok := obj.(*ec2Volume); ok {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

type ec2VolumeAttachmentXML struct {
	VolumeID            string  `xml:"volumeId"`
	InstanceID          string  `xml:"instanceId"`
	Device              string  `xml:"device"`
	Status              string  `xml:"status"`
	AttachTime          ec2Time `xml:"attachTime"`
	DeleteOnTermination bool    `xml:"deleteOnTermination"`
}

type ec2VolumeXML struct {
	VolumeID         string                         `xml:"volumeId"`
	Size             int                            `xml:"size"`
	AvailabilityZone string                         `xml:"availabilityZone"`
	Status           string                         `xml:"status"`
	CreateTime       ec2Time                        `xml:"createTime"`
	VolumeType       string                         `xml:"volumeType"`
	Encrypted        bool                           `xml:"encrypted"`
	KmsKeyID         string                         `xml:"kmsKeyId,omitempty"`
	Attachments      ec2Set[ec2VolumeAttachmentXML] `xml:"attachmentSet"`
	TagSet           ec2Set[ec2TagXML]              `xml:"tagSet"`
}

func (v *ec2Volume) xml() ec2VolumeXML {
	x := ec2VolumeXML{VolumeID: v.id, Size: v.size, AvailabilityZone: v.zone, Status: "in-use", CreateTime: ec2Time(v.created),
		VolumeType: v.volumeType, Encrypted: v.encrypted, KmsKeyID: v.kmsKeyID, TagSet: ec2TagSet(v.tags),
		Attachments: ec2Set[ec2VolumeAttachmentXML]{{VolumeID: v.id, InstanceID: v.instance, Device: v.device, Status: "attached",
			AttachTime: ec2Time(v.created), DeleteOnTermination: true}}}
	return x
}

func ec2DescribeVolumes(c *core.Req) (any, error) {
	s := ec2Of(c)
	s.settleInstances(c.Now)
	all, err := ec2Lookup(ec2List(c, "VolumeId"), s.volumes(), func(v *ec2Volume) string { return v.id },
		func(id string) *core.APIError { return ec2NotFound("volume", id) })
	if err != nil {
		return nil, err
	}
	known := []string{"volume-id", "attachment.instance-id", "attachment.device", "availability-zone", "encrypted", "volume-type", "status", "size"}
	all, err = ec2Select(c, all, known, func(v *ec2Volume) ec2Fields {
		return func(name string) []string {
			return []string{map[string]string{"volume-id": v.id, "attachment.instance-id": v.instance, "attachment.device": v.device,
				"availability-zone": v.zone, "encrypted": ec2Bool(v.encrypted), "volume-type": v.volumeType, "status": "in-use",
				"size": strconv.Itoa(v.size)}[name]}
		}
	}, func(v *ec2Volume) []core.Tag { return v.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, all, 500)
	if err != nil {
		return nil, err
	}
	out := struct {
		Volumes   ec2Set[ec2VolumeXML] `xml:"volumeSet"`
		NextToken string               `xml:"nextToken,omitempty"`
	}{Volumes: ec2Set[ec2VolumeXML]{}, NextToken: next}
	for _, v := range page {
		out.Volumes = append(out.Volumes, v.xml())
	}
	return out, nil
}
