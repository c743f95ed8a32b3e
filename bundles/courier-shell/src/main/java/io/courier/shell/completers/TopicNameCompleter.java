package io.courier.shell.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.TopicInfo;

/** Completes the names of the known topics: services' own and shared ones. */
@Service
public class TopicNameCompleter implements Completer {

    @Reference
    private PubSubAdmin pubsub;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        pubsub.topics().stream().map(TopicInfo::name).forEach(delegate.getStrings()::add);
        return delegate.complete(session, commandLine, candidates);
    }
}
