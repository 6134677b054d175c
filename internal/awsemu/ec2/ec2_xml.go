package ec2

import (
	"encoding/xml"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// XML building blocks shared by the EC2 results (element names as the EC2 API reference has them).

// ec2Set renders an EC2 list: <name><item>...</item></name>; an empty set renders as <name></name>.
type ec2Set[T any] []T

func (l ec2Set[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, v := range l {
		if err := e.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: "item"}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

type ec2TagXML struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func ec2TagSet(tags []core.Tag) ec2Set[ec2TagXML] {
	out := ec2Set[ec2TagXML]{}
	for _, t := range tags {
		out = append(out, ec2TagXML(t))
	}
	return out
}

// ec2Time renders timestamps as EC2 does (ISO 8601, UTC, milliseconds).
type ec2Time time.Time

func (t ec2Time) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z")), nil
}

type ec2StateXML struct {
	State string `xml:"state"`
}

type ec2ValueXML struct {
	Value bool `xml:"value"`
}

// ec2Return is the result of EC2 calls that only say they worked.
type ec2Return struct {
	Return bool `xml:"return"`
}

var ec2OK = ec2Return{Return: true}
