package kube

import (
	"fmt"
	"io"

	"helm.sh/helm/v3/pkg/action"
	helmkube "helm.sh/helm/v3/pkg/kube"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// FieldManager is the name under which the Helm SDK records the fields our
// upgrades, rollbacks and restores write (metadata.managedFields). It is the
// helm CLI's own: Helm 4, when it moves a release from client-side to
// server-side apply, takes over only the fields its own manager ("helm")
// wrote; fields left to any other name (the SDK's default is the binary's
// name, "helm-stella") make a later `helm upgrade`/`helm rollback` (v4)
// fail with a field-manager conflict. See docs/helm4.md.
const FieldManager = "helm"

// Config carries every client of one invocation.
type Config struct {
	Namespace string
	Context   string // kube context name, for the journal and messages
	User      string // kubeconfig user name, fallback identity
	REST      *rest.Config
	Typed     kubernetes.Interface
	Dynamic   dynamic.Interface
	Mapper    meta.RESTMapper
	Helm      *action.Configuration
	Getter    genericclioptions.RESTClientGetter
}

// Options selects what Init builds.
type Options struct {
	// Context is the --context/--kube-context override, for reporting.
	Context string
	// Namespace overrides the kubeconfig's namespace when set.
	Namespace string
	// HelmDriver is Helm's storage driver (HELM_DRIVER): secret by default.
	HelmDriver string
	// Log receives Helm's debug lines; nil discards them.
	Log io.Writer
}

// Init builds the clients from getter. It contacts no server.
func Init(getter genericclioptions.RESTClientGetter, o Options) (*Config, error) {
	loader := getter.ToRawKubeConfigLoader()
	ns := o.Namespace
	if ns == "" {
		n, _, err := loader.Namespace()
		if err != nil {
			return nil, fmt.Errorf("kubeconfig: %w", err)
		}
		ns = n
	}
	restCfg, err := getter.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	c := &Config{Namespace: ns, REST: restCfg, Getter: getter}
	c.Context, c.User = currentContext(loader, o.Context)
	if c.Typed, err = kubernetes.NewForConfig(restCfg); err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	if c.Dynamic, err = dynamic.NewForConfig(restCfg); err != nil {
		return nil, fmt.Errorf("dynamic client: %w", err)
	}
	if c.Mapper, err = getter.ToRESTMapper(); err != nil {
		return nil, fmt.Errorf("rest mapper: %w", err)
	}
	helmkube.ManagedFieldsManager = FieldManager
	c.Helm = new(action.Configuration)
	logf := func(string, ...interface{}) {}
	if o.Log != nil {
		logf = func(format string, v ...interface{}) { fmt.Fprintf(o.Log, format+"\n", v...) }
	}
	if err := c.Helm.Init(getter, ns, o.HelmDriver, logf); err != nil {
		return nil, fmt.Errorf("helm storage: %w", err)
	}
	return c, nil
}

// currentContext names the context in use: the --context override or the
// kubeconfig's current-context, and that context's user.
func currentContext(loader clientcmd.ClientConfig, override string) (ctx, user string) {
	raw, err := loader.RawConfig()
	if err != nil {
		return override, ""
	}
	ctx = override
	if ctx == "" {
		ctx = raw.CurrentContext
	}
	if c, ok := raw.Contexts[ctx]; ok && c != nil {
		user = c.AuthInfo
	}
	return ctx, user
}
