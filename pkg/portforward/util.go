package portforward

import (
	"fmt"
	"net/url"
)

func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("port-forward url: %w", err)
	}
	return u, nil
}
