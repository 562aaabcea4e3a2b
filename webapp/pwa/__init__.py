"""The phone side: service worker, push subscriptions, notification answers, calendar feed."""
