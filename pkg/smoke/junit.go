package smoke

import (
	"encoding/xml"
	"fmt"
	"io"
)

// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub reporters).
type (
	// JUnitSuites is the <testsuites> root.
	JUnitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []JUnitSuite `xml:"testsuite"`
	}
	// JUnitSuite is one <testsuite>.
	JUnitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Time       string          `xml:"time,attr"`
		Timestamp  string          `xml:"timestamp,attr"`
		Properties []JUnitProperty `xml:"properties>property"`
		Cases      []JUnitCase     `xml:"testcase"`
	}
	// JUnitProperty is a <property name value>.
	JUnitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	// JUnitCase is one <testcase>.
	JUnitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *JUnitFailure `xml:"failure,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	// JUnitFailure is a <failure message type>text</failure>.
	JUnitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// JUnit converts a summary to JUnit XML structures. Pure.
func JUnit(s *Summary) JUnitSuites {
	suite := JUnitSuite{
		Name: "smoke " + s.Release, Tests: len(s.Results), Failures: s.Failed,
		Time: seconds(s.DurationMS), Timestamp: s.StartedAt.Format("2006-01-02T15:04:05Z"),
	}
	for _, p := range [][2]string{{"release", s.Release}, {"namespace", s.Namespace}, {"channel", s.Channel}, {"version", s.Version}, {"suite", s.Suite}} {
		if p[1] != "" {
			suite.Properties = append(suite.Properties, JUnitProperty{Name: p[0], Value: p[1]})
		}
	}
	for _, r := range s.Results {
		c := JUnitCase{Name: r.Name, Classname: "smoke." + r.Kind, Time: seconds(r.DurationMS)}
		if r.Status != Pass {
			typ := "failure"
			if r.TimedOut {
				typ = "timeout"
			}
			c.Failure = &JUnitFailure{Message: r.Reason, Type: typ, Text: r.Reason}
			c.SystemOut = r.Logs
		}
		suite.Cases = append(suite.Cases, c)
	}
	return JUnitSuites{Name: "kubectl stella smoke", Tests: suite.Tests, Failures: suite.Failures, Time: suite.Time, Suites: []JUnitSuite{suite}}
}

// WriteJUnit writes s as JUnit XML.
func WriteJUnit(w io.Writer, s *Summary) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(JUnit(s)); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }
