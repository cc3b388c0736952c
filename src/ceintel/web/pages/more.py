"""The remaining pages, registered in one place: places, networks, journeys, data, maturity, actions,
narratives, upload, admin and downloads (each module exposes ``routes(app, state)``)."""

from fastapi import FastAPI


def register(app: FastAPI, state) -> None:
    from ceintel.web.pages import (
        actions_page,
        admin,
        data_page,
        downloads,
        journeys,
        maturity_page,
        narratives_page,
        networks,
        places,
        upload,
    )

    for module in (places, networks, journeys, data_page, maturity_page, actions_page, narratives_page, upload,
                   admin, downloads):
        module.routes(app, state)
