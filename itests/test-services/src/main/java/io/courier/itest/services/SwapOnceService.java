package io.courier.itest.services;

import org.osgi.service.component.annotations.Component;

import io.courier.api.Service;

/** The swappable service with one attempt per message: its messages become dead letters at once. */
@Component(service = Service.class, property = { Service.NAME + "=itest.swap.once", "courier.delivery.maxAttempts=1" })
public class SwapOnceService extends SwappableService {
}
