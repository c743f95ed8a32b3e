package io.courier.itest.services;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Service;

/** The swappable service with the default delivery policy: its messages wait, retried, for the fix. */
@Component(service = Service.class, property = Service.NAME + "=itest.swap")
public class SwapService extends SwappableService {
}
